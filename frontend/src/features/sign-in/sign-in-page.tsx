import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Title } from '@mantine/core';
import { AuthCard } from './auth-card';
import { hasSession, postAuth } from './auth-request';
import { nextPath } from './next-path';
import { SignInForm, type Credentials } from './sign-in-form';

/** /sign-in: email and password, then back to where the person was going. */
export function SignInPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = nextPath(params.get('next'));
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  // Someone already signed in (a bookmark, the back button) goes straight on.
  useEffect(() => {
    let current = true;
    void hasSession().then((signedIn) => {
      if (current && signedIn) navigate(next, { replace: true });
    });
    return () => {
      current = false;
    };
  }, [navigate, next]);

  async function signIn(credentials: Credentials) {
    setSubmitting(true);
    setError(null);
    const result = await postAuth('/auth/login', credentials);
    setSubmitting(false);
    if (result.ok) navigate(next, { replace: true });
    else setError(result.errors[0].message);
  }

  return (
    <AuthCard>
      <Title order={1} size="h3" mb="md">
        Sign in
      </Title>
      <SignInForm error={error} submitting={submitting} onSubmit={signIn} />
    </AuthCard>
  );
}
