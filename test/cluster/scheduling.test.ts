import { schedulingValues, SYSTEM_SCHEDULING } from '../../lib/cluster/scheduling';

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
