import { ErrorAlert } from '../../components/error-alert';
import type { FormEvent, RefObject } from 'react';
import { Button, PasswordInput, Stack, TextInput } from '@mantine/core';

export type Credentials = { email: string; password: string };

/** What the last attempt got wrong: a field each, or the whole attempt (form). */
export type SignInErrors = { form?: string; email?: string; password?: string };

/** The email and password form. The page keeps the values (they outlive the form while
 * a company is chosen), checks them, and decides what a submit does. */
export function SignInForm({
  values,
  onChange,
  errors,
  submitting,
  onSubmit,
  emailRef,
  passwordRef,
  alertRef,
}: {
  values: Credentials;
  onChange: (values: Credentials) => void;
  errors: SignInErrors;
  submitting: boolean;
  onSubmit: () => void;
  /** For the page to focus the field it found wrong. */
  emailRef: RefObject<HTMLInputElement | null>;
  passwordRef: RefObject<HTMLInputElement | null>;
  /** For the page to focus the message of a refused attempt. */
  alertRef: RefObject<HTMLDivElement | null>;
}) {
  function submit(e: FormEvent) {
    e.preventDefault();
    onSubmit();
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {errors.form && <ErrorAlert ref={alertRef}>{errors.form}</ErrorAlert>}
        <TextInput
          ref={emailRef}
          label="Email"
          type="email"
          autoComplete="username"
          value={values.email}
          onChange={(e) => onChange({ ...values, email: e.currentTarget.value })}
          error={errors.email}
          autoFocus
        />
        <PasswordInput
          ref={passwordRef}
          // Not "Toggle password visibility": getByLabel('Password') would find two elements.
          visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the characters' }}
          label="Password"
          autoComplete="current-password"
          value={values.password}
          onChange={(e) => onChange({ ...values, password: e.currentTarget.value })}
          error={errors.password}
          // PasswordInput does not mark itself invalid from error alone.
          aria-invalid={Boolean(errors.password)}
        />
        <Button type="submit" loading={submitting} fullWidth mt="xs">
          Sign in
        </Button>
      </Stack>
    </form>
  );
}
