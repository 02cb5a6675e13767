import { onLanguageChange } from '../i18n/index.ts'

/**
 * The fixed words of a panel that keeps its state across a language change:
 * each text node or attribute made here is worded again when the language
 * changes, while what the user typed, chose or ran stays as it is.
 */
export class Labels {
  private readonly items: (() => void)[] = []
  private readonly unsubscribe = onLanguageChange(() => this.items.forEach((update) => update()))

  /** A text node reading `word()` now and after every language change. */
  text(word: () => string): Text {
    const node = document.createTextNode(word())
    this.items.push(() => (node.textContent = word()))
    return node
  }

  /** Sets an attribute (or, with 'text', the whole text of an element) now and after every change. */
  set(element: Element, name: string, word: () => string): void {
    const apply = (): void => {
      if (name === 'text') element.textContent = word()
      else element.setAttribute(name, word())
    }
    apply()
    this.items.push(apply)
  }

  dispose(): void {
    this.unsubscribe()
    this.items.length = 0
  }
}
