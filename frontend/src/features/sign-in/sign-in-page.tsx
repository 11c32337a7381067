import { useEffect, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Alert, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconInfoCircle } from '@tabler/icons-react';
import { clearDrafts, hasDrafts } from '../../session/drafts';
import { endedSession, rememberSession, type SessionOwner } from '../../session/session-end';
import { AuthCard } from './auth-card';
import { fieldErrors, hasSession, postAuth, sentence, type AuthResult, type Organization } from './auth-request';
import { ChooseOrganization } from './choose-organization';
import { nextPath } from './next-path';
import { SignInForm, type Credentials, type SignInErrors } from './sign-in-form';

const busy = 'The server is busy. Try again in a moment.';

/** What /auth/login answers on success (the parts the page reads). */
type SignedIn = { user: { id: string }; organization: { id: string } };

/** Where focus goes once a refused attempt has rendered: a field, or the message. */
type FocusTarget = { on: 'email' | 'password' | 'alert' };

/** What a refused attempt shows: the companies to choose from, or its errors. */
function refusal(result: Extract<AuthResult<unknown>, { ok: false }>): { organizations: Organization[] } | { errors: SignInErrors } {
  const [error] = result.errors;
  if (result.status === 409 && error.code === 'CHOOSE_ORGANIZATION' && error.organizations?.length) {
    return { organizations: error.organizations };
  }
  if (result.status === 503) return { errors: { form: busy } };
  return { errors: fieldErrors(error, ['email', 'password'] as const) ?? { form: sentence(error.message) } };
}

/** The fields left empty, each with what to enter. */
function missing(credentials: Credentials): SignInErrors {
  return {
    ...(credentials.email ? {} : { email: 'Enter your email' }),
    ...(credentials.password ? {} : { password: 'Enter your password' }),
  };
}

/** /sign-in: email and password (and the company, when they open several), then back to where the person was going. */
export function SignInPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = nextPath(params.get('next'));
  const [values, setValues] = useState<Credentials>({ email: '', password: '' });
  const [errors, setErrors] = useState<SignInErrors>({});
  // Set while the person chooses among the companies the server listed.
  const [organizations, setOrganizations] = useState<Organization[] | null>(null);
  // The attempt under way: true for the form, a company's id for a choice.
  const [pending, setPending] = useState<true | string | null>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const alertRef = useRef<HTMLDivElement>(null);
  // A new object per refused attempt, so the same target twice still moves focus.
  const [focus, setFocus] = useState<FocusTarget | null>(null);
  // Who this tab was signed in as when its session ended without a sign-out, if so.
  const [ended] = useState(endedSession);

  // The button that was pressed is disabled while waiting: without this, focus would be
  // left on the page's body after a refusal.
  useEffect(() => {
    if (!focus) return;
    ({ email: emailRef, password: passwordRef, alert: alertRef })[focus.on].current?.focus();
  }, [focus]);

  // Someone already signed in (a bookmark, the back button) goes straight on.
  useEffect(() => {
    let current = true;
    void hasSession().then((signedIn) => {
      if (current && signedIn) void navigate(next, { replace: true });
    });
    return () => {
      current = false;
    };
  }, [navigate, next]);

  async function signIn(organizationId?: string) {
    if (pending !== null) return;
    const credentials = { email: values.email.trim(), password: values.password };
    // A new attempt starts clean: no message of the last one stays on screen.
    const empty = missing(credentials);
    setErrors(empty);
    if (empty.email || empty.password) {
      (empty.email ? emailRef : passwordRef).current?.focus();
      return;
    }
    setPending(organizationId ?? true);
    const result = await postAuth<SignedIn>('/auth/login', organizationId ? { ...credentials, organizationId } : credentials);
    setPending(null);
    if (result.ok) {
      // Typed from the server's contract, read defensively: a body without ids only loses the carry-over.
      const signedIn = result.data as Partial<SignedIn> | null;
      carryOn({ userId: signedIn?.user?.id ?? '', organizationId: signedIn?.organization?.id ?? '' });
      void navigate(next, { replace: true });
      return;
    }
    const outcome = refusal(result);
    if ('organizations' in outcome) {
      setOrganizations(outcome.organizations);
      return;
    }
    setErrors(outcome.errors);
    // Wrong email or password (or a field the server refused) is fixed in the form;
    // a busy server or a rate limit leaves the person where they were.
    const { email, password } = outcome.errors;
    if (organizations && (email || password || result.status === 401)) setOrganizations(null);
    setFocus({ on: email ? 'email' : password ? 'password' : 'alert' });
  }

  /** The same person back in the same company finds their drafts and is told so; anyone else starts afresh. */
  function carryOn(owner: SessionOwner) {
    const same = !!owner.userId && ended?.userId === owner.userId && ended.organizationId === owner.organizationId;
    if (!same) clearDrafts();
    if (owner.userId) rememberSession(owner);
    if (!same) return;
    notifications.show({
      title: 'You are signed in again',
      message: hasDrafts()
        ? 'You are back where you were. What you had typed was kept: open the form again to finish.'
        : 'You are back where you were.',
      autoClose: 10_000,
    });
  }

  function back() {
    setOrganizations(null);
    setErrors({});
  }

  return (
    <AuthCard>
      <Title order={1} size="h3" mb="md">
        Sign in
      </Title>
      {ended && (
        <Alert role="status" color="blue" icon={<IconInfoCircle size={18} aria-hidden />} mb="md">
          Your session ended. Sign in again to continue.
        </Alert>
      )}
      {organizations ? (
        <ChooseOrganization
          email={values.email.trim()}
          organizations={organizations}
          error={errors.form}
          alertRef={alertRef}
          choosing={typeof pending === 'string' ? pending : null}
          onChoose={(id) => void signIn(id)}
          onBack={back}
        />
      ) : (
        <SignInForm
          values={values}
          onChange={(v) => {
            setValues(v);
            // Editing a field takes its error away; the alert stays until the next attempt.
            setErrors((e) => ({ form: e.form, email: v.email === values.email ? e.email : undefined, password: v.password === values.password ? e.password : undefined }));
          }}
          errors={errors}
          submitting={pending === true}
          onSubmit={() => void signIn()}
          emailRef={emailRef}
          passwordRef={passwordRef}
          alertRef={alertRef}
        />
      )}
    </AuthCard>
  );
}
