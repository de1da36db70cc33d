/**
 * Whether a file a `plugin_config` names lies on S3, HTTP or in a ZIP archive, in odc-stats'
 * spellings (URLs, or GDAL's `/vsizip/`, `/vsis3/`, `/vsicurl/`): a run copies such a file to a
 * local path before its plugin is made (main/run/plugin-files.ts), so a plugin checking a config
 * alone takes the name unread.
 */
export function isCopiedBeforeRuns(file: string): boolean {
  return /^(s3|https?):\/\//i.test(file) || /^\/vsi(zip|s3|curl)\//i.test(file);
}
