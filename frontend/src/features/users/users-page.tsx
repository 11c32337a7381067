import { LoadError } from '../../components/load-error';
import { useState } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { Button, Group, Paper, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconUserPlus } from '@tabler/icons-react';
import { graphql } from '../../gql';
import { badInputField, errorMessage } from '../../graphql/client';
import { PageHeader, companySettings } from '../../layout/page-header';
import { useDocumentTitle } from '../../layout/document-title';
import { useViewer } from '../../session/session';
import { AddUserDialog, type CreateUserErrors, type NewUser } from './add-user-dialog';
import { DeleteUserDialog } from './delete-user-dialog';
import { UsersTable, type UserRow } from './users-table';
import { displayText } from '../../lib/display-text';

const UsersPageDocument = graphql(`
  query UsersPage($after: Cursor) {
    users(first: 50, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          ...UsersTable_User
        }
      }
    }
  }
`);

const CreateUserDocument = graphql(`
  mutation UsersPage_CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      user {
        id
        name
      }
    }
  }
`);

const DeleteUserDocument = graphql(`
  mutation UsersPage_DeleteUser($input: DeleteUserInput!) {
    deleteUser(input: $input) {
      deletedUserId
    }
  }
`);

const fields = ['name', 'email', 'password'] as const;

/** Puts a BAD_USER_INPUT error on its field; anything else goes above the form. */
export function createUserErrors(error: CombinedError): CreateUserErrors {
  const field = fields.find((f) => f === badInputField(error));
  if (field) {
    const { message } = error.graphQLErrors[0];
    return { fields: { [field]: message.charAt(0).toUpperCase() + message.slice(1) } };
  }
  return { form: errorMessage(error) };
}

/** Company Settings › Users: the people of the company, for admins. */
export function UsersPage() {
  useDocumentTitle('Users', 'Administration');
  const viewer = useViewer();
  // The cursors of the pages before this one: Previous pops, Next pushes.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1];
  const [{ data, fetching, error }, refetch] = useQuery({ query: UsersPageDocument, variables: { after } });
  const [, createUser] = useMutation(CreateUserDocument);
  const [, deleteUser] = useMutation(DeleteUserDocument);
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<UserRow | null>(null);

  const reload = () => refetch({ requestPolicy: 'network-only' });

  async function create(input: NewUser): Promise<CreateUserErrors | null> {
    const result = await createUser({ input });
    if (result.error) return createUserErrors(result.error);
    // Bottom right: top-right notifications would cover the Add user button.
    notifications.show({ position: 'bottom-right', color: 'green', message: `${displayText(input.name)} can now sign in as ${displayText(input.email)}.` });
    reload();
    return null;
  }

  async function remove(user: UserRow): Promise<string | null> {
    const result = await deleteUser({ input: { id: user.id } });
    if (result.error) return errorMessage(result.error);
    notifications.show({ position: 'bottom-right', message: `${displayText(user.name)} was deleted.` });
    reload();
    return null;
  }

  const users = data?.users.edges?.flatMap((e) => (e?.node ? [e.node] : [])) ?? [];
  const pageInfo = data?.users.pageInfo;

  let body;
  if (error && !data) {
    body = <LoadError title="Could not load the users" message={errorMessage(error)} onRetry={reload} />;
  } else if (!fetching && data && users.length === 0) {
    body = (
      <Paper withBorder p="xl">
        <Stack align="center" gap="xs">
          <Text fw={500}>No users here</Text>
          <Text size="sm" c="dimmed">
            Add the people who should manage or use API keys.
          </Text>
        </Stack>
      </Paper>
    );
  } else {
    body = <UsersTable users={users} viewerId={viewer.user?.id} loading={fetching && !data} onDelete={setDeleting} />;
  }

  return (
    <>
      <PageHeader
        crumbs={[...companySettings, { label: 'Users' }]}
        title="Users"
        description="The people who can sign in to this company. Admins manage API keys and users; members can query the API."
        actions={
          <Button leftSection={<IconUserPlus size={16} aria-hidden />} onClick={() => setAdding(true)}>
            Add user
          </Button>
        }
      />
      {body}
      {(cursors.length > 1 || pageInfo?.hasNextPage) && (
        <Group justify="space-between" mt="md">
          <Text size="sm" c="dimmed">
            {data?.users.totalCount} users
          </Text>
          <Group gap="xs">
            <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
              Previous
            </Button>
            <Button
              variant="default"
              disabled={!pageInfo?.hasNextPage}
              onClick={() => pageInfo?.endCursor && setCursors((c) => [...c, pageInfo.endCursor ?? null])}
            >
              Next
            </Button>
          </Group>
        </Group>
      )}
      <AddUserDialog opened={adding} onClose={() => setAdding(false)} onCreate={create} />
      <DeleteUserDialog user={deleting} onClose={() => setDeleting(null)} onConfirm={remove} />
    </>
  );
}
