// Names and URLs of a Cognito user pool, shared by the provider and tokenvault/verify.

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
const POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d{1,2})_[0-9A-Za-z]+$/;
const ANY_POOL_ID = /^([^\s_]+)_[0-9A-Za-z]+$/;

/** Whether `value` looks like an AWS region name (and so cannot change a host name it is put into). */
export function isRegion(value: string): boolean {
  return REGION.test(value);
}

/** The region a user pool id starts with (`eu-west-1` of `eu-west-1_AbC123`), or undefined. */
export function regionOfPool(userPoolId: string): string | undefined {
  return POOL_ID.exec(userPoolId)?.[1];
}

/** The name a pool id of the form `name_id` starts with (`local` of cognito-local's `local_AbC123`), or undefined. */
export function poolPrefix(userPoolId: string): string | undefined {
  return ANY_POOL_ID.exec(userPoolId)?.[1];
}

/** The Cognito user-pool service origin of a region (`issuer-cognito-idp` for the UPDATED issuer); China is under `amazonaws.com.cn`. */
export function serviceOrigin(region: string, host = 'cognito-idp'): string {
  return `https://${host}.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}
