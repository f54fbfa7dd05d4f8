import { writeFileSync } from 'fs';
import { synthApp, configFromText, REQUIRED_CONFIG, GITLAB_CONFIG } from './helpers';
it('dump', () => {
  const a = synthApp(configFromText(REQUIRED_CONFIG + GITLAB_CONFIG + '  imagePullSecret: {}\n'));
  writeFileSync('/tmp/i16c/platform.json', a.platform.json);
});
