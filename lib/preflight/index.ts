/**
 * Preflight: the stack config's pins and prerequisites checked against an AWS account before the first
 * apply (`gitlab-workspaces preflight`). The checks follow from the config (./plan.ts, pure); they run
 * through the PreflightAws interface (./aws-api.ts), which ./sdk-adapter.ts implements over the AWS SDK.
 * The SDK adapter is not exported here (loading it loads the SDK): require it where it is needed.
 */
export * from './aws-api';
export * from './plan';
export * from './report';
export * from './run';
