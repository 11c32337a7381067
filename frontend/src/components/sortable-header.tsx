import { Table, UnstyledButton, type TableThProps } from '@mantine/core';
import { IconChevronDown, IconChevronUp, IconSelector } from '@tabler/icons-react';

export type SortableHeaderProps = {
  label: string;
  /** The direction the table is sorted in by this column, or undefined when sorted by another. */
  sorted?: 'asc' | 'desc';
  onSort: () => void;
} & Omit<TableThProps, 'children' | 'onClick'>;

/**
 * A column header that sorts: a button named after the column, the state in the header's
 * aria-sort (set on the sorted column only, as ARIA asks) and in an arrow.
 */
export function SortableHeader({ label, sorted, onSort, ...props }: SortableHeaderProps) {
  const Icon = sorted === 'asc' ? IconChevronUp : sorted === 'desc' ? IconChevronDown : IconSelector;
  return (
    <Table.Th aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined} {...props}>
      <UnstyledButton onClick={onSort} style={{ font: 'inherit', whiteSpace: 'nowrap' }}>
        <span style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}>
          {label}
          <Icon size={14} aria-hidden color={sorted ? undefined : 'var(--mantine-color-gray-6)'} />
        </span>
      </UnstyledButton>
    </Table.Th>
  );
}
