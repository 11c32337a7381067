import { useRef } from 'react';
import {
  Button,
  Group,
  MultiSelect,
  Paper,
  Select,
  SimpleGrid,
  Text,
  TextInput,
  type ComboboxItem,
  type ComboboxParsedItem,
  type OptionsFilter,
} from '@mantine/core';
import { IconFilterOff } from '@tabler/icons-react';
import type { AuditEntryAction } from '../../gql/graphql';
import { auditActionLabels } from './audit-actions';
import { hasFilters, noFilters, rangeIsReversed, type AuditFilters } from './audit-filters';
import { maxPages, useAuditFilterOptions, type ActorOption, type KeyOption } from './use-audit-filter-options';

const actionOptions = Object.entries(auditActionLabels).map(([value, label]) => ({ value, label }));

/**
 * Text as search compares it: lower case, accents off ("Müller" is found by "muller"),
 * ß as ss, compatibility forms folded (the "…" of a masked key as "...").
 */
export function fold(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLocaleLowerCase().replace(/ß/g, 'ss');
}

/** Options whose label holds every word of the search, in any order, in every alphabet. */
export const matchWords: OptionsFilter = ({ options, search }) => {
  const words = fold(search).split(/\s+/).filter(Boolean);
  if (!words.length) return options;
  const matches = (o: ComboboxItem) => {
    const label = fold(o.label);
    return words.every((w) => label.includes(w));
  };
  return options.flatMap((item): ComboboxParsedItem[] => {
    if ('group' in item) {
      const items = item.items.filter(matches);
      return items.length ? [{ ...item, items }] : [];
    }
    return matches(item) ? [item] : [];
  });
};

export const actorLabel = (a: ActorOption) => `${a.name} (${a.kind})`;
export const keyLabel = (k: KeyOption) => `${k.name} ${k.maskedKey}${k.revoked ? ' (revoked)' : ''}`;

/** Options of one group, or none for an empty group. */
const group = (name: string, items: ComboboxItem[]) => (items.length ? [{ group: name, items }] : []);

/** The chosen id among the options, or an option of its own while the options load or when it is not among them (a person deleted since). */
function withChosen(options: ComboboxItem[], chosen: string, loading: boolean, what: string): ComboboxItem[] {
  if (!chosen || options.some((o) => o.value === chosen)) return [];
  return [{ value: chosen, label: loading ? 'Loading…' : `Unknown ${what} (${chosen})` }];
}

/**
 * An option as it reads: the name in its own direction (a right-to-left name keeps its
 * note after it), wrapped at any character when it is long without spaces, and its note
 * (a kind, a masked key). Its text is the option's label, which the field shows once chosen.
 */
function Option({ name, note, mono = false }: { name: string; note: string; mono?: boolean }) {
  return (
    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
      <span dir="auto">{name}</span>{' '}
      <Text span size="xs" c="gray.7" ff={mono ? 'monospace' : undefined}>
        {note}
      </Text>
    </Text>
  );
}

// Tabbing through the filters does not open their lists; a click, typing or ↓ does.
const dropdown = { maxDropdownHeight: 320, openOnFocus: false } as const;

/**
 * The Audit trail page's filters: actions, who acted, which API key, and a range of days
 * in UTC. Each change is the page's URL; "Clear filters" empties them.
 */
export function AuditFilterForm({ filters, onChange }: { filters: AuditFilters; onChange: (filters: AuditFilters) => void }) {
  const options = useAuditFilterOptions();
  const actionField = useRef<HTMLInputElement>(null);
  const set = (change: Partial<AuditFilters>) => onChange({ ...filters, ...change });

  const people = options.actors.filter((a) => a.kind === 'person').map((a) => ({ value: a.id, label: actorLabel(a) }));
  const accounts = options.actors.filter((a) => a.kind !== 'person').map((a) => ({ value: a.id, label: actorLabel(a) }));
  const actorData = [
    ...withChosen([...people, ...accounts], filters.actor, options.loading, 'actor'),
    ...group('People', people),
    ...group('Service accounts', accounts),
  ];
  const keys = options.keys.map((k) => ({ value: k.id, label: keyLabel(k) }));
  const actorsById = new Map(options.actors.map((a) => [a.id, a]));
  const keysById = new Map(options.keys.map((k) => [k.id, k]));
  const actorOption = ({ option }: { option: ComboboxItem }) => {
    const a = actorsById.get(option.value);
    return a ? <Option name={a.name} note={`(${a.kind})`} /> : <Option name={option.label} note="" />;
  };
  const keyOption = ({ option }: { option: ComboboxItem }) => {
    const k = keysById.get(option.value);
    return k ? <Option name={k.name} note={`${k.maskedKey}${k.revoked ? ' (revoked)' : ''}`} mono /> : <Option name={option.label} note="" />;
  };
  const keyData = [...withChosen(keys, filters.target, options.loading, 'key'), ...keys];
  const reversed = rangeIsReversed(filters);
  // Only a company of thousands of keys says so (no note while loading: the fields would jump).
  const listNote = options.capped ? `Lists the first ${(maxPages * 100).toLocaleString()} keys and their service accounts.` : undefined;

  return (
    <Paper withBorder p="md" role="search" aria-label="Filter the audit trail">
      <SimpleGrid cols={{ base: 1, xs: 2, lg: 3 }} spacing="md" verticalSpacing="sm">
        <MultiSelect
          ref={actionField}
          label="Action"
          placeholder={filters.actions.length ? undefined : 'All actions'}
          data={actionOptions}
          value={filters.actions}
          onChange={(v) => set({ actions: v as AuditEntryAction[] })}
          searchable
          clearable
          clearButtonProps={{ 'aria-label': 'Clear actions' }}
          nothingFoundMessage="No such action"
          {...dropdown}
        />
        <Select
          label="Actor"
          description={listNote}
          placeholder="Anyone"
          data={actorData}
          value={filters.actor || null}
          onChange={(v) => set({ actor: v ?? '' })}
          searchable
          clearable
          clearButtonProps={{ 'aria-label': 'Clear actor' }}
          filter={matchWords}
          renderOption={actorOption}
          nothingFoundMessage={options.loading ? 'Loading…' : 'No one by that name'}
          {...dropdown}
        />
        <Select
          label="API key"
          description={listNote}
          placeholder="Any key"
          data={keyData}
          value={filters.target || null}
          onChange={(v) => set({ target: v ?? '' })}
          searchable
          clearable
          clearButtonProps={{ 'aria-label': 'Clear API key' }}
          filter={matchWords}
          renderOption={keyOption}
          nothingFoundMessage={options.loading ? 'Loading…' : 'No key by that name or ending'}
          {...dropdown}
        />
        <TextInput
          type="date"
          label="From"
          description="From 00:00 UTC of this day"
          value={filters.from}
          max={filters.to || undefined}
          onChange={(e) => set({ from: e.currentTarget.value })}
        />
        <TextInput
          type="date"
          label="To"
          description="Through 23:59 UTC of this day"
          value={filters.to}
          min={filters.from || undefined}
          onChange={(e) => set({ to: e.currentTarget.value })}
          error={reversed ? 'The range ends before it starts: choose a day on or after From' : undefined}
        />
        <Group align="flex-end" justify="flex-start">
          {hasFilters(filters) && (
            <Button
              variant="default"
              leftSection={<IconFilterOff size={16} aria-hidden />}
              onClick={() => {
                onChange(noFilters);
                // The button goes with the filters: focus goes back to the first of them.
                actionField.current?.focus();
              }}
            >
              Clear filters
            </Button>
          )}
        </Group>
      </SimpleGrid>
      {options.error && (
        <Group gap="xs" mt="sm">
          <Text size="sm" c="red.9" role="alert">
            Could not load the people and keys to filter by: {options.error}
          </Text>
          <Button size="xs" variant="default" onClick={options.retry}>
            Retry
          </Button>
        </Group>
      )}
    </Paper>
  );
}
