/**
 * Defaults that depend on another key, which a JSON Schema `default` cannot express: filled in after the
 * schema check (which fills in every other default), before the semantic rules. Each key's description
 * in the schema says what it becomes when left out; a key the user wrote is never changed.
 */
import { kubernetesMinor } from '../../lib/cluster/versions';
import type { YamlPath } from '../../lib/common/yaml-source';

/** The first Kubernetes minor on which EKS no longer marks the `gp2` StorageClass default. */
export const GP2_NOT_DEFAULT_FROM_MINOR = 30;

type Mutable = Record<string, unknown>;
const isObject = (v: unknown): v is Mutable => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Fills in, where the user left them out:
 * - `network.availabilityZoneCount`: the number of `network.availabilityZones` listed (3 without them);
 * - `network.flowLogs.enabled`: true for a VPC the stack creates, false with `network.existingVpc` (the stack
 *   must not change a VPC it only reads);
 * - `storage.demoteGp2`: true before Kubernetes 1.30, false from 1.30 (EKS marks `gp2` default only on
 *   clusters created before 1.30, and the annotation fails where `gp2` is absent).
 * Works on the config as the schema check left it (possibly broken around schema errors: then it leaves
 * what it cannot read alone).
 */
export function fillDependentDefaults(config: unknown, written: (path: YamlPath) => boolean): void {
  if (!isObject(config)) return;
  const network = config.network;
  if (isObject(network) && !written(['network', 'availabilityZoneCount'])) {
    const listed = Array.isArray(network.availabilityZones) ? network.availabilityZones.length : 0;
    network.availabilityZoneCount = listed === 2 || listed === 3 ? listed : 3;
  }
  if (isObject(network) && isObject(network.flowLogs) && !written(['network', 'flowLogs', 'enabled'])) {
    network.flowLogs.enabled = network.existingVpc === undefined;
  }
  const storage = config.storage;
  const cluster = config.cluster;
  if (isObject(storage) && !written(['storage', 'demoteGp2'])) {
    const version = isObject(cluster) && typeof cluster.kubernetesVersion === 'string' ? cluster.kubernetesVersion : undefined;
    const minor = version === undefined ? NaN : kubernetesMinor(version);
    storage.demoteGp2 = Number.isNaN(minor) ? false : minor < GP2_NOT_DEFAULT_FROM_MINOR;
  }
}
