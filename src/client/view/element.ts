/** The page's element with this id, of this type, or an error that names what is missing. */
export function element<T extends HTMLElement>(root: Document, id: string, type: new () => T): T {
  const found = root.getElementById(id);
  if (!(found instanceof type)) throw new Error(`The page is missing #${id}.`);
  return found;
}
