import { ErrorAlert } from '../../components/error-alert';
import { SubmitButton } from '../../components/submit-button';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Button, Group, Modal, PasswordInput, Radio, Stack, TextInput } from '@mantine/core';
import type { UserRole } from '../../gql/graphql';
import { clearDraft, readDraft, saveDraft } from '../../session/drafts';

export type NewUser = { name: string; email: string; password: string; role: UserRole };

/** What a failed create says: an error per field (name, email, password) or for the form. */
export type CreateUserErrors = { fields?: Partial<Record<'name' | 'email' | 'password', string>>; form?: string };

const empty: NewUser = { name: '', email: '', password: '', role: 'MEMBER' };

/** Where the form's draft waits in sessionStorage: name, email and role; never the password. */
export const userDraftName = 'add-user';

/** The form as a session that ended left it, without its password. */
function savedDraft(): NewUser {
  const draft = readDraft(userDraftName) as Partial<NewUser> | null;
  return {
    name: typeof draft?.name === 'string' ? draft.name : '',
    email: typeof draft?.email === 'string' ? draft.email : '',
    password: '',
    role: draft?.role === 'ADMIN' ? 'ADMIN' : 'MEMBER',
  };
}

function keepDraft({ name, email, role }: NewUser) {
  if (name || email || role !== 'MEMBER') saveDraft(userDraftName, { name, email, role });
  else clearDraft(userDraftName);
}

type Field = 'name' | 'email' | 'password';

/**
 * The Add user dialog. onCreate resolves to null once the person exists, or to the
 * errors to show; the dialog stays open on errors, and while the request is under way.
 */
export function AddUserDialog({
  opened,
  onClose,
  onCreate,
}: {
  opened: boolean;
  onClose: () => void;
  onCreate: (user: NewUser) => Promise<CreateUserErrors | null>;
}) {
  const [values, setValues] = useState<NewUser>(savedDraft);
  const [errors, setErrors] = useState<CreateUserErrors>({});
  const [submitting, setSubmitting] = useState(false);
  // Set after a refused create: the first field to fix, or the message.
  const [focus, setFocus] = useState<{ on: Field | 'alert' } | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const alertRef = useRef<HTMLDivElement>(null);

  // The button that was pressed showed "Creating…"; after a refusal, focus goes where the fix is.
  useEffect(() => {
    if (!focus) return;
    ({ name: nameRef, email: emailRef, password: passwordRef, alert: alertRef })[focus.on].current?.focus();
  }, [focus]);

  const set = (field: Field) => (e: { currentTarget: HTMLInputElement }) => {
    const value = e.currentTarget.value;
    const next = { ...values, [field]: value };
    setValues(next);
    keepDraft(next);
  };

  function close() {
    if (submitting) return;
    setValues(empty);
    setErrors({});
    clearDraft(userDraftName);
    onClose();
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (submitting) return;
    setSubmitting(true);
    setErrors({});
    const result = await onCreate({ ...values, name: values.name.trim(), email: values.email.trim() });
    setSubmitting(false);
    if (!result) {
      setValues(empty);
      clearDraft(userDraftName);
      onClose();
      return;
    }
    setErrors(result);
    const first = (['name', 'email', 'password'] as const).find((f) => result.fields?.[f]);
    setFocus({ on: first ?? 'alert' });
  }

  return (
    <Modal opened={opened} onClose={close} title="Add user" centered closeButtonProps={{ 'aria-label': 'Close', disabled: submitting }}>
      <form onSubmit={(e) => void submit(e)} noValidate aria-busy={submitting}>
        <Stack>
          {errors.form && <ErrorAlert ref={alertRef}>{errors.form}</ErrorAlert>}
          <TextInput ref={nameRef} label="Name" value={values.name} onChange={set('name')} error={errors.fields?.name} readOnly={submitting} data-autofocus />
          <TextInput
            ref={emailRef}
            label="Email"
            type="email"
            autoComplete="off"
            value={values.email}
            onChange={set('email')}
            error={errors.fields?.email}
            readOnly={submitting}
          />
          <PasswordInput
            ref={passwordRef}
            // Not "Toggle password visibility": getByLabel('Password') would find two elements.
            visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the characters' }}
            label="Password"
            description="At least 12 characters. Share it with them safely."
            autoComplete="new-password"
            value={values.password}
            // The password never goes into the draft.
            onChange={(e) => setValues({ ...values, password: e.currentTarget.value })}
            error={errors.fields?.password}
            aria-invalid={Boolean(errors.fields?.password)}
            readOnly={submitting}
          />
          <Radio.Group
            label="Role"
            description="Admins manage API keys and users; members can only query the API."
            value={values.role}
            onChange={(role) => {
              if (submitting) return;
              const next = { ...values, role };
              setValues(next);
              keepDraft(next);
            }}
          >
            <Group mt="xs">
              <Radio value="MEMBER" label="Member" />
              <Radio value="ADMIN" label="Admin" />
            </Group>
          </Radio.Group>
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={close} disabled={submitting}>
              Cancel
            </Button>
            <SubmitButton busy={submitting} busyLabel="Creating…">
              Create user
            </SubmitButton>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
