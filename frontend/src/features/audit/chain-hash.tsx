import { ActionIcon, CopyButton, Group, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';

/** A hash of the audit chain as it reads: its first 8 hex digits and "…" (3f2a9c1d…). */
export const shortHash = (hash: string) => (hash.length > 8 ? `${hash.slice(0, 8)}…` : hash);

/**
 * A hash of the audit chain (docs/audit-chain.md), shortened; the whole of it in the title
 * (on hover) and a button that copies it, named after what it is ("Copy head hash").
 */
export function ChainHash({ hash, label }: { hash: string; label: string }) {
  return (
    <Group component="span" gap={4} wrap="nowrap" display="inline-flex" style={{ verticalAlign: 'middle' }}>
      <Text span ff="monospace" size="sm" title={hash}>
        {shortHash(hash)}
      </Text>
      <CopyButton value={hash} timeout={2000}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : `Copy ${label}`} withArrow>
            <ActionIcon variant="subtle" color={copied ? 'teal.9' : 'gray.7'} size="sm" aria-label={`Copy ${label}`} onClick={copy}>
              {copied ? <IconCheck size={14} aria-hidden /> : <IconCopy size={14} aria-hidden />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
