import type { TestProject } from 'vitest/node'
import { embeddedTemplate, serverTemplate } from './template.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    embeddedTemplate: string
    serverTemplateReady: boolean
  }
}

/** Builds the test databases once per run: embedded always, the server one when configured. */
export default async function setup(project: TestProject): Promise<void> {
  project.provide('embeddedTemplate', await embeddedTemplate())
  const url = process.env.TEST_DATABASE_URL
  if (url) await serverTemplate(url)
  project.provide('serverTemplateReady', Boolean(url))
}
