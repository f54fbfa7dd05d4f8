import { RETIRING_TAINT, SYSTEM_TAINT, tolerationOf } from '../../lib/cluster/scheduling';
import { tolerationOf as runtimesTolerationOf } from '../../lib/runtimes/types';
import { SYSBOX_INSTALLING_TAINT } from '../../lib/runtimes/sysbox';

describe('tolerationOf', () => {
  test('tolerates exactly the taint: its key, value and effect', () => {
    expect(tolerationOf(RETIRING_TAINT)).toEqual({ key: 'gitlab-workspaces/retiring', operator: 'Equal', value: 'true', effect: 'NoSchedule' });
    expect(tolerationOf(SYSBOX_INSTALLING_TAINT)).toEqual({ key: 'sysbox-runtime', operator: 'Equal', value: 'not-running', effect: 'NoSchedule' });
    expect(tolerationOf({ key: SYSTEM_TAINT.key, effect: 'NoExecute' })).toEqual({ key: 'CriticalAddonsOnly', operator: 'Equal', value: '', effect: 'NoExecute' });
  });

  test('is one helper: the runtimes re-export the cluster one', () => {
    expect(runtimesTolerationOf).toBe(tolerationOf);
  });
});
