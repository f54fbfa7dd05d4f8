/**
 * The AWS reads preflight makes, as one small interface: ./sdk-adapter.ts implements it over the AWS SDK v3
 * clients (tests mock those with aws-sdk-client-mock), and the check logic (./run.ts) takes any
 * implementation (tests give it plain fakes). Every method is a read; "not found" is a value (undefined or
 * an empty list), any other failure an exception the runner classifies (access denied, no credentials).
 */

export interface CallerIdentity {
  readonly account: string;
  /** As STS prints it: `arn:aws:sts::<account>:assumed-role/<role>/<session>` for a role (SSO included). */
  readonly arn: string;
}

export interface RegionInfo {
  readonly name: string;
  /** `opt-in-not-required`, `opted-in` or `not-opted-in`. */
  readonly optInStatus?: string;
}

export interface ZoneInfo {
  readonly name: string;
  /** `available`, `information`, `impaired`, `unavailable`... */
  readonly state?: string;
  /** `opt-in-not-required` for the region's standard zones. */
  readonly optInStatus?: string;
}

export interface SubnetInfo {
  readonly id: string;
  readonly zone: string;
  readonly vpcId: string;
}

export interface AddonVersions {
  /** The versions EKS offers of the add-on for the Kubernetes version, newest first as EKS lists them. */
  readonly versions: readonly string[];
  /** The one EKS marks as the default for the Kubernetes version. */
  readonly defaultVersion?: string;
}

export interface HostedZoneInfo {
  /** Without the `/hostedzone/` prefix. */
  readonly id: string;
  /** As Route 53 has it: lowercase, with the trailing dot. */
  readonly name: string;
  readonly private: boolean;
  readonly nameServers?: readonly string[];
}

export interface PreflightAws {
  callerIdentity(): Promise<CallerIdentity>;
  /** Every region of the partition, enabled or not (EC2 DescribeRegions, AllRegions). */
  regions(): Promise<readonly RegionInfo[]>;
  /** undefined: EKS has no add-on of that name for the Kubernetes version. */
  addonVersions(addonName: string, kubernetesVersion: string): Promise<AddonVersions | undefined>;
  /** The value, or undefined when the parameter does not exist. */
  ssmParameter(name: string): Promise<string | undefined>;
  /** The region's availability zones (not Local or Wavelength zones). */
  availabilityZones(): Promise<readonly ZoneInfo[]>;
  /** The subnets that exist among `ids`. */
  subnets(ids: readonly string[]): Promise<readonly SubnetInfo[]>;
  /** Which of the instance types are offered in which of the zones. */
  instanceTypeOfferings(instanceTypes: readonly string[], zones: readonly string[]): Promise<ReadonlyArray<{ readonly instanceType: string; readonly zone: string }>>;
  /** The default vCPUs of each instance type that exists (unknown types are absent). */
  instanceTypeVcpus(instanceTypes: readonly string[]): Promise<Readonly<Record<string, number>>>;
  /** An EC2 service quota's applied value (else its AWS default), or undefined when there is none. */
  ec2Quota(quotaCode: string): Promise<number | undefined>;
  /** undefined when no zone has that id. */
  hostedZone(id: string): Promise<HostedZoneInfo | undefined>;
  /** The zones named exactly `name` (public and private). */
  hostedZonesNamed(name: string): Promise<readonly HostedZoneInfo[]>;
  /** The values of the NS record `name` in a zone, or undefined when it has none. */
  nsRecord(zoneId: string, name: string): Promise<readonly string[] | undefined>;
  /** The role's ARN (with its path), or undefined when there is no role of that name. */
  roleArn(roleName: string): Promise<string | undefined>;
  /** The user's ARN (with its path), or undefined when there is no user of that name. */
  userArn(userName: string): Promise<string | undefined>;
}
