/**
 * Where the app's AWS requests go, as its Settings say: a named profile of the shared config
 * and credentials files, a region and an endpoint (moto, MinIO, LocalStack). A field left
 * empty falls back to the environment (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL…). It travels
 * with each request that reaches AWS, so no setting is held between requests.
 */
import { UserError } from './errors.js';

export interface AwsConnection {
  profile?: string;
  region?: string;
  endpoint?: string;
}

/** The connection with blank fields dropped and the others trimmed; a malformed region or endpoint is refused in one line. */
export function cleanAwsConnection(connection: AwsConnection): AwsConnection {
  const profile = connection.profile?.trim();
  const region = connection.region?.trim();
  const endpoint = connection.endpoint?.trim();
  if (endpoint && !/^https?:\/\/[^/\s]+\/?$/i.test(endpoint)) throw new UserError(`invalid endpoint '${endpoint}': expected http://HOST:PORT or https://HOST`);
  if (region && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new UserError(`invalid region '${region}': expected a region code such as ap-southeast-2`);
  return { ...(profile && { profile }), ...(region && { region }), ...(endpoint && { endpoint }) };
}
