/**
 * A small strict XML 1.0 reader for tests: it accepts only well-formed documents (one root,
 * balanced tags, quoted attributes without `<`, no duplicate attributes, only the five
 * predefined entities and character references, no `]]>` in text, only characters XML 1.0
 * allows) and returns the element tree, so report tests can check both well-formedness and
 * structure without a parser dependency. Comments and CDATA are refused: evalgate writes
 * neither, so meeting one means something leaked through.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Concatenated character data directly inside this element, entities decoded. */
  text: string;
}

const ALLOWED = /^[\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(raw: string, where: string): string {
  return raw.replace(/&([^;]*);|&/g, (match, ref: string | undefined) => {
    if (ref === undefined) throw new Error(`bare & in ${where}`);
    if (ref in ENTITIES) return ENTITIES[ref]!;
    const code = /^#x[0-9a-fA-F]+$/.test(ref)
      ? Number.parseInt(ref.slice(2), 16)
      : /^#[0-9]+$/.test(ref)
        ? Number(ref.slice(1))
        : Number.NaN;
    if (Number.isNaN(code)) throw new Error(`unknown entity ${match} in ${where}`);
    const char = String.fromCodePoint(code);
    if (!ALLOWED.test(char)) throw new Error(`reference to a forbidden character ${match}`);
    return char;
  });
}

export function parseXml(source: string): XmlElement {
  if (!ALLOWED.test(source)) throw new Error("a character XML 1.0 forbids");
  let pos = 0;
  const declaration = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n?/.exec(source);
  if (declaration) pos = declaration[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (pos < source.length) {
    const lt = source.indexOf("<", pos);
    const text = source.slice(pos, lt < 0 ? source.length : lt);
    if (text.includes("]]>")) throw new Error("]]> in character data");
    const top = stack.at(-1);
    if (top) top.text += decode(text, `<${top.name}>`);
    else if (text.trim() !== "") throw new Error(`text outside the root: ${JSON.stringify(text)}`);
    if (lt < 0) break;
    if (source.startsWith("</", lt)) {
      const name = NAME.exec(source.slice(lt + 2))?.[0];
      const end = lt + 2 + (name?.length ?? 0);
      if (!name || source[end] !== ">") throw new Error(`malformed end tag at ${lt}`);
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      pos = end + 1;
      continue;
    }
    if (source.startsWith("<!", lt) || source.startsWith("<?", lt)) {
      throw new Error(`unexpected markup at ${lt}: ${source.slice(lt, lt + 20)}`);
    }
    const name = NAME.exec(source.slice(lt + 1))?.[0];
    if (!name) throw new Error(`malformed start tag at ${lt}`);
    const element: XmlElement = { name, attributes: {}, children: [], text: "" };
    pos = lt + 1 + name.length;
    for (;;) {
      const attr = /^\s+([A-Za-z_:][-A-Za-z0-9_:.]*)="([^"<]*)"/.exec(source.slice(pos));
      if (!attr) break;
      if (attr[1]! in element.attributes) throw new Error(`duplicate attribute ${attr[1]}`);
      element.attributes[attr[1]!] = decode(attr[2]!, `${name}@${attr[1]}`);
      pos += attr[0].length;
    }
    const close = /^\s*(\/?)>/.exec(source.slice(pos));
    if (!close) throw new Error(`malformed <${name}> at ${pos}: ${source.slice(pos, pos + 30)}`);
    pos += close[0].length;
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else if (root) throw new Error("a second root element");
    else root = element;
    if (close[1] !== "/") stack.push(element);
  }
  if (stack.length > 0) throw new Error(`<${stack.at(-1)!.name}> is never closed`);
  if (!root) throw new Error("no root element");
  return root;
}
