import { Testing } from 'cdktf';
import { boundedName, iamRoleNamePrefix } from '../../lib/cluster/names';
import { PodIdentityRole } from '../../lib/cluster/pod-identity-role';
import { amiReleaseVersionParameter, eksSupportStatus, SUPPORTED_KUBERNETES_VERSIONS, EKS_VERSION_LIFECYCLE } from '../../lib/cluster/versions';

describe('names', () => {
  it('keeps a name that fits as it is', () => {
    expect(iamRoleNamePrefix('gitlab-workspaces', 'autoscaler')).toBe('gitlab-workspaces-autoscaler-');
  });

  it('cuts a long base, adds a hash of the whole base, and keeps the purpose whole', () => {
    const a = iamRoleNamePrefix('a'.repeat(30) + '-one', 'autoscaler');
    const b = iamRoleNamePrefix('a'.repeat(30) + '-two', 'autoscaler');
    for (const p of [a, b]) {
      expect(p).toHaveLength(38);
      expect(p).toMatch(/^a+-[0-9a-f]{4}-autoscaler-$/);
    }
    expect(a).not.toBe(b);
    // Deterministic: the same name every synth.
    expect(iamRoleNamePrefix('a'.repeat(30) + '-one', 'autoscaler')).toBe(a);
  });

  it('does not leave a hyphen before the hash', () => {
    // The cut falls right after `abc-`: the hyphen goes, so the result is not `abc--<hash>-x-`.
    expect(boundedName('abc-efghij', '-x-', 12)).toMatch(/^abc-[0-9a-f]{4}-x-$/);
  });

  it('refuses a reference as the base, and a suffix that leaves no room', () => {
    expect(() => Testing.synthScope((scope) => {
      const role = new PodIdentityRole(scope, 'r', { clusterName: 'c', namespace: 'n', serviceAccount: 's', namePrefix: 'p-' });
      boundedName(role.role.name, '-x-', 38);
    })).toThrow(/must be a literal string, not a Terraform reference/);
    expect(() => boundedName('abc', '-'.repeat(40), 38)).toThrow(/leaves no room/);
  });
});

describe('versions', () => {
  it('knows the support window of every supported version', () => {
    for (const v of SUPPORTED_KUBERNETES_VERSIONS) {
      const life = EKS_VERSION_LIFECYCLE[v];
      expect(life.released < life.standardSupportEnds && life.standardSupportEnds < life.extendedSupportEnds).toBe(true);
    }
  });

  it('tells the support tier on a given day', () => {
    expect(eksSupportStatus('1.34', new Date('2026-12-01T23:59:59Z'))).toEqual({ tier: 'standard', endsOn: '2026-12-02' });
    expect(eksSupportStatus('1.34', new Date('2026-12-02T00:00:00Z'))).toEqual({ tier: 'extended', since: '2026-12-02', endsOn: '2027-12-02' });
    expect(eksSupportStatus('1.33', new Date('2027-07-29T00:00:00Z'))).toEqual({ tier: 'ended', since: '2027-07-29' });
    expect(eksSupportStatus('1.99', new Date())).toEqual({ tier: 'unknown' });
  });

  it('names the public SSM parameter of each AMI type\'s recommended release', () => {
    expect(amiReleaseVersionParameter('AL2023_x86_64_STANDARD', '1.35')).toBe('/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/release_version');
    expect(amiReleaseVersionParameter('AL2023_ARM_64_STANDARD', '1.34')).toBe('/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/arm64/standard/recommended/release_version');
    expect(amiReleaseVersionParameter('BOTTLEROCKET_x86_64', '1.35')).toBe('/aws/service/bottlerocket/aws-k8s-1.35/x86_64/latest/image_version');
    expect(() => amiReleaseVersionParameter('CUSTOM', '1.35')).toThrow(/no release parameter is known for AMI type CUSTOM/);
  });
});
