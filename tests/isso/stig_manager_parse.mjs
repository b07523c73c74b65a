// Parse checklists with STIG Manager's own review parser, as STIG Manager's web client does on import.
//
// Usage: node stig_manager_parse.mjs MODULE_DIR FILE...
// MODULE_DIR holds @nuwcdivnpt/stig-manager-client-modules; prints one JSON object: {file: parse result}.
// A file whose first non-blank character is "{" is read as CKLB, anything else as CKL (as cklauto does, by content).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const [moduleDir, ...files] = process.argv.slice(2)
const lib = await import(pathToFileURL(join(moduleDir, 'index.js')).href)

// STIG Manager's default collection settings: details always required, a comment required on findings (fail).
const fieldSettings = {
  detail: { enabled: 'always', required: 'always' },
  comment: { enabled: 'findings', required: 'findings' }
}
// Ask for "submitted" on every result: the parser grants it only when the required fields are filled, so a review
// that comes back "saved" is one the ISSO would have to complete by hand before submitting.
const importOptions = {
  autoStatus: { fail: 'submitted', notapplicable: 'submitted', pass: 'submitted' },
  unreviewed: 'commented',
  unreviewedCommented: 'informational',
  emptyDetail: 'replace',
  emptyComment: 'ignore',
  allowCustom: true
}

const results = {}
for (const file of files) {
  const data = readFileSync(file, 'utf8')
  const parse = data.trimStart().startsWith('{') ? lib.reviewsFromCklb : lib.reviewsFromCkl
  try {
    results[file] = parse({ data, fieldSettings, allowAccept: true, importOptions, sourceRef: file })
  } catch (e) {
    results[file] = { error: String(e && e.message ? e.message : e) }
  }
}
process.stdout.write(JSON.stringify(results))
