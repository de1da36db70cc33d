/** Built by scripts/gazetteer/gazetteer-plugin.ts: the places of the offline gazetteer, one a line. */
declare module 'virtual:gazetteer' {
  const text: string;
  export default text;
}
