// A one-module rollup plugin: lets bench scripts bundle a few lines of code as an entry.
export default function virtualEntry(code) {
  return {
    name: 'virtual-entry',
    resolveId: (id) => (id === 'entry' ? id : null),
    load: (id) => (id === 'entry' ? code : null),
  };
}
