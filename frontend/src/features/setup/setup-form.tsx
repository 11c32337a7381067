import { ErrorAlert } from '../../components/error-alert';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Button, PasswordInput, Stack, TextInput } from '@mantine/core';

export type SetupValues = { organizationName: string; name: string; email: string; password: string };

export type SetupFieldErrors = Partial<Record<keyof SetupValues, string>>;

/** The company and first-admin form; the page posts it and maps the server's errors. */
export function SetupForm({
  fieldErrors = {},
  formError,
  submitting,
  onSubmit,
}: {
  fieldErrors?: SetupFieldErrors;
  formError?: ReactNode;
  submitting: boolean;
  onSubmit: (values: SetupValues) => void;
}) {
  const [values, setValues] = useState<SetupValues>({ organizationName: '', name: '', email: '', password: '' });
  const set = (field: keyof SetupValues) => (e: { currentTarget: HTMLInputElement }) => {
    const value = e.currentTarget.value;
    setValues((v) => ({ ...v, [field]: value }));
  };

  function submit(e: FormEvent) {
    e.preventDefault();
    onSubmit({
      organizationName: values.organizationName.trim(),
      name: values.name.trim(),
      email: values.email.trim(),
      password: values.password,
    });
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {formError && (
          <ErrorAlert>
            {formError}
          </ErrorAlert>
        )}
        <TextInput
          label="Company name"
          autoComplete="organization"
          value={values.organizationName}
          onChange={set('organizationName')}
          error={fieldErrors.organizationName}
          autoFocus
        />
        <TextInput
          label="Your name"
          autoComplete="name"
          value={values.name}
          onChange={set('name')}
          error={fieldErrors.name}
        />
        <TextInput
          label="Email"
          type="email"
          autoComplete="username"
          value={values.email}
          onChange={set('email')}
          error={fieldErrors.email}
        />
        <PasswordInput
          // Not "Toggle password visibility": getByLabel('Password') would find two elements.
          visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the characters' }}
          label="Password"
          description="At least 12 characters."
          autoComplete="new-password"
          value={values.password}
          onChange={set('password')}
          error={fieldErrors.password}
          aria-invalid={Boolean(fieldErrors.password)}
        />
        <Button type="submit" loading={submitting} fullWidth mt="xs">
          Create company
        </Button>
      </Stack>
    </form>
  );
}
