/**
 * Cluster constructs: the VPC, the EKS control plane, hardened managed node groups, add-ons with their
 * IAM identities, the Cluster Autoscaler, the default StorageClass, and Kubernetes/Helm providers.
 */
export * from './cidr';
export * from './cluster-addon';
export * from './cluster-autoscaler';
export * from './cluster-providers';
export * from './default-storage-class';
export * from './ebs-csi-driver';
export * from './eks-cluster';
export * from './encryption-key';
export * from './log-encryption-key';
export * from './managed-node-group';
export * from './node-role';
export * from './pod-identity-role';
export * from './scheduling';
export * from './versions';
export * from './volume-encryption-key';
export * from './vpc';
export * from './vpc-flow-logs';
