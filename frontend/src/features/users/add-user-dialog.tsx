import { ErrorAlert } from '../../components/error-alert';
import { useState, type FormEvent } from 'react';
import { Button, Group, Modal, PasswordInput, Radio, Stack, TextInput } from '@mantine/core';
import type { UserRole } from '../../gql/graphql';

export type NewUser = { name: string; email: string; password: string; role: UserRole };

/** What a failed create says: an error per field (name, email, password) or for the form. */
export type CreateUserErrors = { fields?: Partial<Record<'name' | 'email' | 'password', string>>; form?: string };

const empty: NewUser = { name: '', email: '', password: '', role: 'MEMBER' };

/**
 * The Add user dialog. onCreate resolves to null once the person exists, or to the
 * errors to show; the dialog stays open on errors.
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
  const [values, setValues] = useState<NewUser>(empty);
  const [errors, setErrors] = useState<CreateUserErrors>({});
  const [submitting, setSubmitting] = useState(false);

  const set = (field: 'name' | 'email' | 'password') => (e: { currentTarget: HTMLInputElement }) => {
    const value = e.currentTarget.value;
    setValues((v) => ({ ...v, [field]: value }));
  };

  function close() {
    setValues(empty);
    setErrors({});
    onClose();
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSubmitting(true);
    setErrors({});
    const result = await onCreate({ ...values, name: values.name.trim(), email: values.email.trim() });
    setSubmitting(false);
    if (result) setErrors(result);
    else close();
  }

  return (
    <Modal opened={opened} onClose={close} title="Add user" centered>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          {errors.form && (
            <ErrorAlert>
              {errors.form}
            </ErrorAlert>
          )}
          <TextInput label="Name" value={values.name} onChange={set('name')} error={errors.fields?.name} data-autofocus />
          <TextInput
            label="Email"
            type="email"
            autoComplete="off"
            value={values.email}
            onChange={set('email')}
            error={errors.fields?.email}
          />
          <PasswordInput
            // Not "Toggle password visibility": getByLabel('Password') would find two elements.
            visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the characters' }}
            label="Password"
            description="At least 12 characters. Share it with them safely."
            autoComplete="new-password"
            value={values.password}
            onChange={set('password')}
            error={errors.fields?.password}
            aria-invalid={Boolean(errors.fields?.password)}
          />
          <Radio.Group
            label="Role"
            description="Admins manage API keys and users; members can only query the API."
            value={values.role}
            onChange={(role) => setValues((v) => ({ ...v, role }))}
          >
            <Group mt="xs">
              <Radio value="MEMBER" label="Member" />
              <Radio value="ADMIN" label="Admin" />
            </Group>
          </Radio.Group>
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={submitting}>
              Create user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
