/**
 * The HTTP status of a failed AWS SDK request (an S3ServiceException's `$metadata`), told by the
 * error's shape so that the SDK need not be loaded to ask; undefined for any other error.
 */
export function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null | undefined)?.$metadata?.httpStatusCode;
}
