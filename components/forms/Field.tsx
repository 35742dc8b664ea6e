import type { ComponentChildren, JSX } from "preact";

const INPUT =
  "block w-full rounded-md border bg-white px-3 py-2 text-sm shadow-sm placeholder:text-neutral-400 focus:outline-none focus:ring-2 focus:ring-indigo-500 dark:bg-neutral-950";
const INPUT_OK = "border-neutral-300 dark:border-neutral-700";
const INPUT_ERROR = "border-red-400 dark:border-red-700";

/** The classes of a form control, red-bordered when it has an error. */
export function inputClass(hasError = false): string {
  return `${INPUT} ${hasError ? INPUT_ERROR : INPUT_OK}`;
}

interface FieldShellProps {
  id: string;
  label: string;
  error?: string;
  hint?: ComponentChildren;
  children: ComponentChildren;
}

/** Label, control, hint and error message of one field, wired with `aria-describedby`. */
function FieldShell({ id, label, error, hint, children }: FieldShellProps) {
  return (
    <div class="space-y-1">
      <label for={id} class="block text-sm font-medium text-neutral-800 dark:text-neutral-200">
        {label}
      </label>
      {children}
      {hint && !error && (
        <p id={`${id}-hint`} class="text-xs text-neutral-500 dark:text-neutral-400">{hint}</p>
      )}
      {error && (
        <p id={`${id}-error`} data-field-error={id} class="text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}

function describedBy(id: string, error?: string, hint?: ComponentChildren): string | undefined {
  return error ? `${id}-error` : hint ? `${id}-hint` : undefined;
}

type InputAttributes = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, "label" | "name">;

interface TextFieldProps extends InputAttributes {
  name: string;
  label: string;
  error?: string;
  hint?: ComponentChildren;
}

/** A labelled `<input>` with its error message. */
export function TextField({ name, label, error, hint, id, ...input }: TextFieldProps) {
  const fieldId = String(id ?? `field-${name}`);
  return (
    <FieldShell id={fieldId} label={label} error={error} hint={hint}>
      <input
        id={fieldId}
        name={name}
        class={inputClass(Boolean(error))}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy(fieldId, error, hint)}
        {...input}
      />
    </FieldShell>
  );
}

/** One choice of a select. */
export interface Option {
  value: string;
  label: string;
}

interface SelectFieldProps {
  name: string;
  label: string;
  options: readonly Option[];
  value?: string;
  error?: string;
  hint?: ComponentChildren;
  required?: boolean;
  /** A first, empty choice such as "Choose an account". */
  placeholder?: string;
}

/** A labelled `<select>` with its error message. */
export function SelectField(
  { name, label, options, value, error, hint, required, placeholder }: SelectFieldProps,
) {
  const fieldId = `field-${name}`;
  return (
    <FieldShell id={fieldId} label={label} error={error} hint={hint}>
      <select
        id={fieldId}
        name={name}
        required={required}
        class={inputClass(Boolean(error))}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy(fieldId, error, hint)}
      >
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((option) => (
          <option value={option.value} selected={option.value === value}>{option.label}</option>
        ))}
      </select>
    </FieldShell>
  );
}

/** The error about the form as a whole (field `""`), if any. */
export function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <div
      role="alert"
      class="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200"
    >
      {message}
    </div>
  );
}

/** Turns `[{value}]` lists such as enum values into options labelled in sentence case. */
export function optionsOf(values: readonly string[]): Option[] {
  return values.map((value) => ({
    value,
    label: value.charAt(0).toUpperCase() + value.slice(1),
  }));
}
