type Attributes = Record<string, string | boolean | undefined>
type Child = Node | string | null | undefined | false

/** Creates an element; `true` sets a bare attribute, `false` and `undefined` leave it out. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) element.setAttribute(name, '')
    else if (typeof value === 'string') element.setAttribute(name, value)
  }
  for (const child of children) {
    if (child) element.append(child)
  }
  return element
}
