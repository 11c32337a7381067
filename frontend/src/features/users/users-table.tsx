import { ActionIcon, Badge, Skeleton, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { graphql, useFragment, type FragmentType } from '../../gql';
import { formatDateTime } from '../../lib/format';
import { displayText } from '../../lib/display-text';

export const UsersTable_UserFragment = graphql(`
  fragment UsersTable_User on User {
    id
    name
    email
    role
    createdAt
  }
`);

export type UserRow = { id: string; name: string; email: string };

/** The day someone was added, in the reader's locale; the exact time shows on hover. */
function Added({ at }: { at: string }) {
  return (
    <Tooltip label={`${formatDateTime(at)} (${at})`} openDelay={300} withArrow>
      <time dateTime={at}>{new Date(at).toLocaleDateString(undefined, { dateStyle: 'medium' })}</time>
    </Tooltip>
  );
}

function Head() {
  return (
    <Table.Thead>
      <Table.Tr>
        <Table.Th>Name</Table.Th>
        <Table.Th>Email</Table.Th>
        <Table.Th>Role</Table.Th>
        <Table.Th>Added</Table.Th>
        <Table.Th w={60}>
          <VisuallyHidden>Actions</VisuallyHidden>
        </Table.Th>
      </Table.Tr>
    </Table.Thead>
  );
}

/** The people of the company; every row but the viewer's own can be deleted. */
export function UsersTable({
  users,
  viewerId,
  loading,
  onDelete,
}: {
  users: FragmentType<typeof UsersTable_UserFragment>[];
  /** The signed-in person's user id (not viewer.id): their own row has no Delete. */
  viewerId: string | undefined;
  loading?: boolean;
  onDelete: (user: UserRow) => void;
}) {
  const rows = useFragment(UsersTable_UserFragment, users);
  return (
    // On a phone the table scrolls sideways in its own box, which the keyboard can reach and scroll;
    // relative, so that the hidden "Actions" header is clipped with the rest instead of widening the page.
    <Table.ScrollContainer minWidth={640} type="native" tabIndex={0} role="region" aria-label="Users, scrollable" pos="relative">
      <Table aria-label="Users" aria-busy={loading || undefined} verticalSpacing="sm" highlightOnHover>
        <Head />
        <Table.Tbody>
          {loading
            ? [0, 1, 2].map((i) => (
                <Table.Tr key={i}>
                  {[0, 1, 2, 3, 4].map((j) => (
                    <Table.Td key={j}>
                      <Skeleton height={14} width={j === 4 ? 24 : '70%'} />
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))
            : rows.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {displayText(u.name)}
                    </Text>
                  </Table.Td>
                  <Table.Td>{displayText(u.email)}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" tt="none" color={u.role === 'ADMIN' ? 'indigo' : 'gray'}>
                      {u.role === 'ADMIN' ? 'Admin' : 'Member'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Added at={u.createdAt} />
                  </Table.Td>
                  <Table.Td>
                    {u.id !== viewerId && (
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`Delete user ${displayText(u.name)}`}
                        onClick={() => onDelete({ id: u.id, name: u.name, email: u.email })}
                      >
                        <IconTrash size={16} aria-hidden />
                      </ActionIcon>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
