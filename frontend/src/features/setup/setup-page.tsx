import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Alert, Anchor, Code, Stack, Text, Title } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { AuthCard } from '../sign-in/auth-card';
import { fieldErrors, postAuth, sentence, type AuthError } from '../sign-in/auth-request';
import { SetupForm, type SetupFieldErrors, type SetupValues } from './setup-form';

const fields = ['organizationName', 'name', 'email', 'password'] as const;

/** Places a field error of /auth/setup on its field (the server names them as the form does). */
export function setupFieldErrors(error: AuthError): SetupFieldErrors | null {
  return fieldErrors(error, fields);
}

function SignInLink() {
  return (
    <Anchor component={Link} to="/sign-in">
      Go to sign in
    </Anchor>
  );
}

/** /setup?token=…: the one-time link that creates the company and its first admin. */
export function SetupPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [fieldErrors, setFieldErrors] = useState<SetupFieldErrors>({});
  const [formError, setFormError] = useState<ReactNode>(null);
  const [submitting, setSubmitting] = useState(false);

  async function setUp(values: SetupValues) {
    setSubmitting(true);
    setFieldErrors({});
    setFormError(null);
    const result = await postAuth('/auth/setup', { token, ...values });
    setSubmitting(false);
    if (result.ok) {
      void navigate('/', { replace: true });
      return;
    }
    const [error] = result.errors;
    if (result.status === 403) {
      setFormError(
        <Stack gap={4}>
          <Text size="sm">{sentence(error.message)}</Text>
          <SignInLink />
        </Stack>,
      );
      return;
    }
    const placed = setupFieldErrors(error);
    if (placed) setFieldErrors(placed);
    else setFormError(sentence(error.message));
  }

  return (
    <AuthCard width={480}>
      <Title order={1} size="h3" mb="xs">
        Set up your company
      </Title>
      {token ? (
        <>
          <Text size="sm" c="dimmed" mb="lg">
            This one-time link creates your company and its first admin: you. Afterwards the link stops working, and you
            sign in with the email and password you choose here.
          </Text>
          <SetupForm fieldErrors={fieldErrors} formError={formError} submitting={submitting} onSubmit={(values) => void setUp(values)} />
        </>
      ) : (
        <Alert color="blue" variant="light" icon={<IconInfoCircle size={18} aria-hidden />}>
          <Stack gap="xs">
            <Text size="sm">
              Setting up needs the one-time link the server printed when it first started on an empty database, such as{' '}
              <Code>http://127.0.0.1:8080/setup?token=…</Code>. Open that exact link, with its token.
            </Text>
            <Text size="sm">
              Already set up? <SignInLink />
            </Text>
          </Stack>
        </Alert>
      )}
    </AuthCard>
  );
}
