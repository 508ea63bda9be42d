import { Parser } from '@asyncapi/parser';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { AsyncApiDocument } from '@smart-message/nestjs';

/** Spectral's severities: 0 error, 1 warning, 2 information, 3 hint. */
const WARNING = 1;

export interface SpecFinding {
  code: string | number;
  severity: number;
  message: string;
  path: string;
}

/**
 * The errors and warnings `@asyncapi/parser` reports for a document: its schema validation and
 * its own ruleset. Information (e.g. "3.1.0 is the latest version") and hints are left out.
 */
export async function specFindings(document: AsyncApiDocument): Promise<SpecFinding[]> {
  const diagnostics = await new Parser().validate(JSON.stringify(document));
  return diagnostics
    .filter((diagnostic) => diagnostic.severity <= WARNING)
    .map(({ code, severity, message, path }) => ({ code, severity, message, path: path.join('/') }));
}

/** A validator for payloads of one schema of the document; references resolve inside the document. */
export function schemaValidator(document: AsyncApiDocument, pointer: string): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema({ $id: 'asyncapi.json', components: { schemas: document.components.schemas } });
  const validate = ajv.getSchema(`asyncapi.json${pointer}`);
  if (!validate) throw new Error(`no schema at ${pointer}`);
  return validate;
}

/** `instancePath` and keyword of each failure: enough to see which rule refused. */
export function failures(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => `${error.instancePath || '/'} ${error.keyword}`);
}
