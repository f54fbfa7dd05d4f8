/**
 * Preflight test helpers: configs from text (the loader only, no cdktf), and a fake PreflightAws in which
 * the default config passes every check (override one method to break one check).
 */
import { loadConfigText } from '../../stacks/config/load';
import { WorkspacesConfig } from '../../stacks/config/types';
import { TESTED_ADDON_VERSIONS } from '../../lib/cluster/versions';
import type { PreflightAws } from '../../lib/preflight';

export const ACCOUNT = '111122223333';
export const ADMIN_ROLE = `arn:aws:iam::${ACCOUNT}:role/admins`;
export const CALLER_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/admins/alice`;

/** Enough for a config to load, with a workspace domain whose zone (and parent) the fake account has. */
const REST = `cluster:
  kubernetesVersion: "1.35"
  endpoint:
    publicAccessCidrs: [198.18.0.0/24]
  access:
    adminPrincipalArns: [${ADMIN_ROLE}]
gitlab:
  dnsZone: workspaces.acme.dev
  oauth: variables
`;
/** The config without its network section, for a test that writes its own (after the gitlab section). */
export const BASE_WITHOUT_NETWORK = `aws:\n  region: eu-west-1\n${REST}`;
/** A config that fits the account: the VPC the stack creates, in the region's first three zones. */
export const BASE_CONFIG = `aws:\n  region: eu-west-1\nnetwork:\n  availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c]\n${REST}`;

const TODAY = new Date('2026-12-01T12:00:00Z');

export function config(text: string = BASE_CONFIG): WorkspacesConfig {
  const r = loadConfigText(text, 'test.yaml', { today: TODAY });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.path}: ${d.message}`).join('\n'));
  return r.value;
}

export const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
export const NAME_SERVERS = ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.net'];
export const VCPUS: Record<string, number> = { 'm6i.large': 2, 'm6i.2xlarge': 8, 'm7i.4xlarge': 16, 'g5.xlarge': 4 };

/** An account where the base config passes: every tested pin offered, every parameter published. */
export function fakeAws(overrides: Partial<PreflightAws> = {}): PreflightAws {
  const base: PreflightAws = {
    callerIdentity: async () => ({ account: ACCOUNT, arn: CALLER_ARN }),
    regions: async () => [{ name: 'eu-west-1', optInStatus: 'opt-in-not-required' }, { name: 'af-south-1', optInStatus: 'not-opted-in' }],
    addonVersions: async (name, k8s) => {
      const tested = TESTED_ADDON_VERSIONS[k8s]?.[name];
      return tested ? { versions: ['v99.0.0-eksbuild.1', tested], defaultVersion: tested } : undefined;
    },
    ssmParameter: async (name) => (name.startsWith('/aws/service/') ? (name.endsWith('ami-id') ? 'ami-0123456789abcdef0' : '1.35.0-20261201') : undefined),
    availabilityZones: async () => [...ZONES, 'eu-west-1d'].map((name) => ({ name, state: 'available', optInStatus: 'opt-in-not-required' })),
    subnets: async (ids) => ids.filter((id) => id.startsWith('subnet-0')).map((id, i) => ({ id, zone: ZONES[i % 3], vpcId: 'vpc-0123456789abcdef0' })),
    instanceTypeOfferings: async (types, zones) => types.filter((t) => VCPUS[t] !== undefined).flatMap((instanceType) => zones.map((zone) => ({ instanceType, zone }))),
    instanceTypeVcpus: async (types) => Object.fromEntries(types.filter((t) => VCPUS[t] !== undefined).map((t) => [t, VCPUS[t]])),
    ec2Quota: async () => 640,
    hostedZone: async (id) => (id === 'ZWS' ? { id, name: 'workspaces.acme.dev.', private: false, nameServers: NAME_SERVERS } : undefined),
    hostedZonesNamed: async (name) => {
      const n = name.replace(/\.$/, '');
      if (n === 'workspaces.acme.dev') return [{ id: 'ZWS', name: 'workspaces.acme.dev.', private: false }];
      if (n === 'acme.dev') return [{ id: 'ZPARENT', name: 'acme.dev.', private: false }];
      return [];
    },
    nsRecord: async (zoneId, name) => (zoneId === 'ZPARENT' && name === 'workspaces.acme.dev' ? NAME_SERVERS : undefined),
    roleArn: async (name) => (name === 'admins' ? ADMIN_ROLE : undefined),
    userArn: async () => undefined,
  };
  return { ...base, ...overrides };
}

/** An error as the SDK throws it (name is what the runner and adapter look at). */
export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}

export const VPC_ID = 'vpc-0123456789abcdef0';
export const PRIVATE_SUBNETS = ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'];
export const PUBLIC_SUBNETS = ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'];
/** BASE_CONFIG in an existing VPC. */
export const EXISTING_VPC_CONFIG = `${BASE_WITHOUT_NETWORK}network:
  existingVpc:
    vpcId: ${VPC_ID}
    privateSubnetIds: [${PRIVATE_SUBNETS.join(', ')}]
    publicSubnetIds: [${PUBLIC_SUBNETS.join(', ')}]
    privateSubnetZones: {${PRIVATE_SUBNETS[0]}: eu-west-1a, ${PRIVATE_SUBNETS[1]}: eu-west-1b}
`;
