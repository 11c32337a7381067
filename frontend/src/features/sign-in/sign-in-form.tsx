import { ErrorAlert } from '../../components/error-alert';
import { useState, type FormEvent } from 'react';
import { Button, PasswordInput, Stack, TextInput } from '@mantine/core';

export type Credentials = { email: string; password: string };

/** The email and password form; the page decides what a submit does. */
export function SignInForm({
  error,
  submitting,
  onSubmit,
}: {
  error?: string | null;
  submitting: boolean;
  onSubmit: (credentials: Credentials) => void;
}) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  function submit(e: FormEvent) {
    e.preventDefault();
    onSubmit({ email: email.trim(), password });
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {error && (
          <ErrorAlert>
            {error}
          </ErrorAlert>
        )}
        <TextInput
          label="Email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          autoFocus
        />
        <PasswordInput
          // Not "Toggle password visibility": getByLabel('Password') would find two elements.
          visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the characters' }}
          label="Password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
        />
        <Button type="submit" loading={submitting} fullWidth mt="xs">
          Sign in
        </Button>
      </Stack>
    </form>
  );
}
