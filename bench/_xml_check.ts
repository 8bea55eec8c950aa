/**
 * A small well-formedness check for the SVG this directory writes (XML 1.0 §2.1 in the subset
 * used here: declaration, comments, elements, quoted attributes, text and character references).
 * It is no validator; it catches unbalanced tags, bad attributes and unescaped `<` or `&`.
 *
 * @module
 */

const NAME = "[A-Za-z_:][-A-Za-z0-9_:.]*";
const REFERENCE = /&(#\d+|#x[0-9a-fA-F]+|lt|gt|amp|quot|apos);/g;
const TAG = new RegExp(`^<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`);

function checkText(text: string, where: number): void {
  if (text.replace(REFERENCE, "").includes("&")) {
    throw new Error(`unescaped & near offset ${where}`);
  }
}

/** Element names in document order; throws an Error at the first well-formedness fault. */
export function checkWellFormedXml(xml: string): string[] {
  let i = 0;
  const stack: string[] = [];
  const elements: string[] = [];
  let roots = 0;
  if (xml.startsWith("<?xml")) {
    i = xml.indexOf("?>");
    if (i < 0) throw new Error("unterminated XML declaration");
    i += 2;
  }
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    if (stack.length === 0 && text.trim() !== "") throw new Error(`text outside the root at ${i}`);
    checkText(text, i);
    if (lt < 0) break;
    if (xml.startsWith("<!--", lt)) {
      const end = xml.indexOf("-->", lt + 4);
      if (end < 0) throw new Error(`unterminated comment at ${lt}`);
      i = end + 3;
      continue;
    }
    const m = TAG.exec(xml.slice(lt));
    if (!m) throw new Error(`malformed tag at ${lt}: ${xml.slice(lt, lt + 40)}`);
    const [whole, close, name, attrs, selfClose] = m;
    checkText(attrs, lt);
    const names = [...attrs.matchAll(new RegExp(`(${NAME})\\s*=`, "g"))].map((a) => a[1]);
    if (new Set(names).size !== names.length) throw new Error(`repeated attribute in <${name}>`);
    if (close) {
      if (attrs || selfClose) throw new Error(`malformed end tag </${name}>`);
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open ?? "nothing"}>`);
    } else {
      if (stack.length === 0 && ++roots > 1) throw new Error("more than one root element");
      elements.push(name);
      if (!selfClose) stack.push(name);
    }
    i = lt + whole.length;
  }
  if (stack.length) throw new Error(`unclosed <${stack[stack.length - 1]}>`);
  if (roots !== 1) throw new Error("no root element");
  return elements;
}
