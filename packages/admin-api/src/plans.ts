// The plan rules of a network as the guide states them: STANDARD or PREMIUM, and the one-per-account,
// three-month, 30-user Premium free trial. Premium features (data retention, file download control)
// need PREMIUM outside the trial or a trial that is still running. Pure: the caller passes the time.
export const TRIAL_MAX_USERS = 30;
export const TRIAL_MONTHS = 3;
/** A network name has 1 to 20 characters (code points), with no spaces around it. */
export const NETWORK_NAME_MAX = 20;

/** A network's plan as the API shows it (Network, GetNetworkResponse). */
export interface NetworkPlan {
  accessLevel?: string;
  /**
   * When the Premium free trial ends (ISO 8601 as on the wire, or ms since the epoch); absent while the
   * network is not on the trial.
   */
  freeTrialExpiration?: string | number | null;
}

function trialEnd(plan: NetworkPlan): number | null {
  const end = plan.freeTrialExpiration;
  if (end === undefined || end === null || end === '') return null;
  return typeof end === 'number' ? end : Date.parse(end);
}

/** The network is on the Premium free trial and it has not ended. */
export function trialRunning(plan: NetworkPlan, now = Date.now()): boolean {
  const end = trialEnd(plan);
  return end !== null && end > now;
}

/** Premium, or a running Premium free trial: premium features are available. */
export function isPremium(plan: NetworkPlan, now = Date.now()): boolean {
  return plan.accessLevel === 'PREMIUM' && (trialEnd(plan) === null || trialRunning(plan, now));
}
