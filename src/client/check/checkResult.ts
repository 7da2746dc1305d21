/** What one line of the connection test says: a check, a cross, or not tested, in words. */
export type CheckStatus = 'ok' | 'fail' | 'skip';

export interface CheckResult {
  status: CheckStatus;
  text: string;
}

export const ok = (text: string): CheckResult => ({ status: 'ok', text });
export const fail = (text: string): CheckResult => ({ status: 'fail', text });
export const skip = (text: string): CheckResult => ({ status: 'skip', text });
