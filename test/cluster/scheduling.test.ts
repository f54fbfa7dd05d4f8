import { RETIRING_TAINT, schedulingValues, SYSTEM_SCHEDULING, SYSTEM_TAINT, tolerationOf } from '../../lib/cluster/scheduling';
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

describe('schedulingValues', () => {
  it('spreads nodeSelector and tolerations into chart values, as fresh copies', () => {
    const values = schedulingValues(SYSTEM_SCHEDULING);
    expect(values).toEqual({
      nodeSelector: { 'gitlab-workspaces/pool': 'system' },
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists', effect: 'NoSchedule' }],
    });
    expect(values.nodeSelector).not.toBe(SYSTEM_SCHEDULING.nodeSelector);
    expect(values.tolerations[0]).not.toBe(SYSTEM_SCHEDULING.tolerations[0]);
  });

  it('is empty (anywhere) without scheduling', () => {
    expect(schedulingValues()).toEqual({ nodeSelector: {}, tolerations: [] });
  });
});
