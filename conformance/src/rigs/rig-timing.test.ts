import { describe, expect, it } from 'vitest';
import { rigTimingEnv } from './rig-timing';

describe('the rig nodes membership timing', () => {
  it('stretches the token (and with it ha.cf deadtime) by OCFKIT_RIG_TIME_SCALE unless a token or deadtime is given', () => {
    expect(rigTimingEnv({})).toEqual({});
    expect(rigTimingEnv({ OCFKIT_RIG_TIME_SCALE: '1' })).toEqual({});
    expect(rigTimingEnv({ OCFKIT_RIG_TIME_SCALE: '2.5' })).toEqual({ OCFKIT_RIG_TOKEN: '2500' });
    expect(rigTimingEnv({ OCFKIT_RIG_TIME_SCALE: '3', OCFKIT_RIG_TOKEN: '5000' })).toEqual({ OCFKIT_RIG_TOKEN: '5000' });
    expect(rigTimingEnv({ OCFKIT_RIG_TIME_SCALE: '3', OCFKIT_RIG_DEADTIME: '6000' })).toEqual({ OCFKIT_RIG_DEADTIME: '6000' });
    expect(rigTimingEnv({ OCFKIT_RIG_DEADTIME: '1000', OCFKIT_RIG_KEEPALIVE: '200' })).toEqual({
      OCFKIT_RIG_DEADTIME: '1000',
      OCFKIT_RIG_KEEPALIVE: '200',
    });
    expect(() => rigTimingEnv({ OCFKIT_RIG_TIME_SCALE: 'slow' })).toThrow('OCFKIT_RIG_TIME_SCALE=slow must be a positive number');
  });
});
