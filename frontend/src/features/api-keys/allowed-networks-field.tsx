import type { Ref } from 'react';
import { Textarea, type TextareaProps } from '@mantine/core';

export type AllowedNetworksFieldProps = Omit<TextareaProps, 'value' | 'onChange'> & {
  /** The text as typed (parseNetworks reads it). */
  value: string;
  onChange: (text: string) => void;
  ref?: Ref<HTMLTextAreaElement>;
};

/** How to fill the field in, as Add API Key says it. */
export const networksHelp = 'One IP address or CIDR network per line, e.g. 203.0.113.0/24 or 2001:db8::/32. Empty: any address.';

/**
 * A key's allowed networks as text: one a line, or separated by commas or spaces. The
 * same field in Add API Key, Rotate and the key's details.
 */
export function AllowedNetworksField({ value, onChange, label = 'Allowed networks (optional)', description = networksHelp, ...props }: AllowedNetworksFieldProps) {
  return (
    <Textarea
      label={label}
      description={description}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      rows={3}
      resize="vertical"
      spellCheck={false}
      autoCapitalize="off"
      autoComplete="off"
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      {...props}
    />
  );
}
