/**
 * How long the platform stack's apply waits for the workspace certificate (gitlab.entryPoint
 * certificateValidationTimeout): a created hosted zone is not delegated yet on the first deploy, and ACM
 * cannot validate until it is.
 */
import { configFromText, GITLAB_CONFIG, REQUIRED_CONFIG, synthApp } from './helpers';

describe('the certificate validation timeout', () => {
  it('is the AWS provider\'s 75 minutes by default, written out', () => {
    const p = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}`)).platform.s;
    expect(p.only('aws_acm_certificate_validation').timeouts).toEqual({ create: '75m' });
  });

  it('follows the config, so a deploy before the NS delegation fails fast', () => {
    const p = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  hostedZone: {create: true}\n  entryPoint:\n    certificateValidationTimeout: 10m\n`)).platform.s;
    expect(p.only('aws_acm_certificate_validation').timeouts).toEqual({ create: '10m' });
  });

  it('accepts minutes and hours only', () => {
    expect(() => configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  entryPoint:\n    certificateValidationTimeout: 2h\n`)).not.toThrow();
    expect(() => configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  entryPoint:\n    certificateValidationTimeout: 30s\n`)).toThrow(/certificateValidationTimeout: "30s" is not valid: expected a duration in minutes or hours/);
  });
});
