/** Values for `{name}` placeholders in an argv or stdin template. */
export type TemplateValues = Readonly<Record<string, string>>;

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Substitutes `{name}` placeholders in one string, in a single pass: a substituted value is never
 * scanned again, so task text that itself contains `{prompt}` stays literal. Unknown placeholders
 * are left as they are.
 */
export function expandText(text: string, values: TemplateValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? (values[name] as string) : whole,
  );
}

/**
 * Substitutes placeholders inside each argv element. The result has exactly as many elements as
 * the template: a value is never split on spaces or re-parsed, whatever it contains.
 */
export function expandTemplate(argv: readonly string[], values: TemplateValues): string[] {
  return argv.map((element) => expandText(element, values));
}
