import { useRef, useState } from 'react';
import { Button, Loader, Menu, Text } from '@mantine/core';
import { IconChevronDown, IconDownload } from '@tabler/icons-react';
import { ErrorAlert } from '../../components/error-alert';
import { downloadExport, entriesText as entries, ExportError, type ExportFormat } from './audit-export';
import type { AuditFilters } from './audit-filters';

const formats: { format: ExportFormat; label: string; note: string }[] = [
  { format: 'csv', label: 'CSV', note: 'For spreadsheets' },
  { format: 'ndjson', label: 'NDJSON', note: 'One JSON entry a line, with its hashes' },
];

// The progress line is redrawn at most this often: an export of many entries arrives in many chunks.
const redrawEvery = 100;

type ExportState =
  { phase: 'idle' } | { phase: 'exporting'; entries: number } | { phase: 'done'; entries: number; filename: string } | { phase: 'failed'; message: string };

/**
 * Exports the filtered audit trail as a file (GET /audit/export with the page's filters):
 * the Export menu, the count of entries as they arrive, and what came of it.
 */
export function useAuditExport(filters: AuditFilters, onExported: () => void) {
  const [state, setState] = useState<ExportState>({ phase: 'idle' });
  const busy = useRef(false);

  async function start(format: ExportFormat) {
    if (busy.current) return;
    busy.current = true;
    setState({ phase: 'exporting', entries: 0 });
    let drawn = 0;
    try {
      const { filename, entries } = await downloadExport(format, filters, (n) => {
        const now = performance.now();
        if (now - drawn < redrawEvery) return;
        drawn = now;
        setState({ phase: 'exporting', entries: n });
      });
      setState({ phase: 'done', entries, filename });
      // The export is itself in the trail now.
      onExported();
    } catch (e) {
      setState({ phase: 'failed', message: e instanceof ExportError ? e.message : 'The export failed. Try again.' });
    } finally {
      busy.current = false;
    }
  }

  return { state, start };
}

/** The Export menu: CSV or NDJSON of the entries the filters select. Not opened while an export runs. */
export function AuditExportMenu({ exporting, onExport }: { exporting: boolean; onExport: (format: ExportFormat) => void }) {
  const [opened, setOpened] = useState(false);
  return (
    <Menu position="bottom-end" withinPortal withInitialFocusPlaceholder={false} opened={opened && !exporting} onChange={setOpened}>
      <Menu.Target>
        {/* aria-disabled, not disabled, while exporting: focus stays on the button. */}
        <Button
          variant="default"
          leftSection={exporting ? <Loader size={14} aria-hidden /> : <IconDownload size={16} aria-hidden />}
          rightSection={<IconChevronDown size={14} aria-hidden />}
          aria-disabled={exporting || undefined}
        >
          Export
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>The entries the filters select</Menu.Label>
        {formats.map((f) => (
          <Menu.Item key={f.format} onClick={() => onExport(f.format)} aria-label={f.label}>
            <Text size="sm" fw={500}>
              {f.label}
            </Text>
            <Text size="xs" c="gray.7">
              {f.note}
            </Text>
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

/**
 * How the export goes: the entries counted so far, then the file saved, in a polite live
 * region that is always there (so that screen readers hear its changes).
 */
export function AuditExportProgress({ state }: { state: ExportState }) {
  return (
    <Text size="sm" role="status" aria-live="polite" maw={280} ta="right" style={{ overflowWrap: 'anywhere' }}>
      {state.phase === 'exporting' && `Exporting… ${entries(state.entries)}`}
      {state.phase === 'done' && (
        <>
          Exported {entries(state.entries)} to <span style={{ whiteSpace: 'nowrap' }}>{state.filename}</span>
        </>
      )}
    </Text>
  );
}

/** A failed export, as an alert: the server's own words when it gave some. */
export function AuditExportError({ state }: { state: ExportState }) {
  return state.phase === 'failed' ? <ErrorAlert title="The export failed">{state.message}</ErrorAlert> : null;
}
