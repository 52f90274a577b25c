// Builds the page's elements from data without ever parsing a string as markup: text becomes text
// nodes and attribute values, so a lot named `<img src=x onerror=...>` shows as those characters.
// The Content-Security-Policy (require-trusted-types-for) makes the browser refuse innerHTML anyway.

// el('p', {class: 'mono', 'data-slot': 3}, 'text', child, [more children]); null/undefined/false
// attributes and children are left out; `style` takes an object of custom properties.
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = String(value);
    else if (name === 'style') for (const [prop, v] of Object.entries(value)) node.style.setProperty(prop, String(v));
    else node.setAttribute(name, String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : String(child));
  }
}

// One `<div><dt>label</dt><dd>value</dd></div>` of a facts list; `ddAttrs` go on the `<dd>`.
export function fact(label, value, ddAttrs) {
  return el('div', null, el('dt', null, label), el('dd', ddAttrs, value));
}
