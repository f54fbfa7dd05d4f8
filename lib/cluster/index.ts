/**
 * Cluster constructs: the VPC (or an existing one), the EKS control plane, hardened managed node groups,
 * add-ons with their IAM identities, the Cluster Autoscaler and its identity, the default StorageClass,
 * Kubernetes/Helm providers, and the guards that keep destroy from orphaning workspace volumes.
 */
export * from './cidr';
export * from './cluster-addon';
export * from './cluster-autoscaler';
export * from './cluster-network';
export * from './cluster-providers';
export * from './default-storage-class';
export * from './ebs-csi-driver';
export * from './eks-cluster';
export * from './helm-release';
export * from './image-age';
export * from './instance-types';
export * from './encryption-key';
export * from './log-encryption-key';
export * from './managed-node-group';
export * from './names';
export * from './node-guard';
export * from './node-image';
export * from './node-role';
export * from './pod-identity-role';
export * from './scheduling';
export * from './versions';
export * from './ubuntu-eks-image';
export * from './volume-encryption-key';
export * from './vpc';
export * from './vpc-cni-identity';
export * from './vpc-flow-logs';
export * from './workspace-volumes';
export * from './terraform-data';
export * from './admission-policy';
export * from './moved';
export * from './workspace-headroom';
export * from './image-pre-puller';
export * from './volume-backups';
