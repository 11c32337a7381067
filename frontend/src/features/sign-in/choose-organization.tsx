import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { Button, Stack, Text, Title, Tooltip, VisuallyHidden } from '@mantine/core';
import { useElementSize, useMergedRef } from '@mantine/hooks';
import { IconArrowLeft, IconChevronRight } from '@tabler/icons-react';
import { ErrorAlert } from '../../components/error-alert';
import { displayText } from '../../lib/display-text';
import type { Organization } from './auth-request';

/**
 * The second step of signing in when the email and password open accounts in several
 * companies: one button per company signs in to it; Back returns to the form.
 */
export function ChooseOrganization({
  email,
  organizations,
  error,
  alertRef,
  choosing,
  onChoose,
  onBack,
}: {
  email: string;
  organizations: Organization[];
  error?: string;
  /** For the page to focus the error once it shows. */
  alertRef?: RefObject<HTMLDivElement | null>;
  /** The id of the company being signed in to, if any. */
  choosing: string | null;
  onChoose: (organizationId: string) => void;
  onBack: () => void;
}) {
  // The form the person used is gone: bring screen readers and keyboards to the question.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  return (
    <Stack gap="md">
      <Title order={2} size="h4" ref={heading} tabIndex={-1}>
        Choose a company
      </Title>
      <Text size="sm">
        {displayText(email)} has an account in several companies. Choose the one to sign in to.
      </Text>
      {error && <ErrorAlert ref={alertRef}>{error}</ErrorAlert>}
      <Stack gap="xs">
        {organizations.map((o) => (
          <OrganizationChoice
            key={o.id}
            organization={o}
            loading={choosing === o.id}
            onChoose={() => choosing === null && onChoose(o.id)}
          />
        ))}
      </Stack>
      <Button variant="subtle" leftSection={<IconArrowLeft size={16} aria-hidden />} onClick={onBack} style={{ alignSelf: 'flex-start' }}>
        Back
      </Button>
    </Stack>
  );
}

/** A company's button; a name too long for one line ends in "…" and shows whole on hover and focus. */
function OrganizationChoice({ organization, loading, onChoose }: { organization: Organization; loading: boolean; onChoose: () => void }) {
  const name = displayText(organization.name);
  const { ref: sizeRef, width } = useElementSize<HTMLSpanElement>();
  const nameRef = useRef<HTMLSpanElement>(null);
  const ref = useMergedRef(sizeRef, nameRef);
  const [cut, setCut] = useState(false);
  useLayoutEffect(() => {
    const el = nameRef.current;
    setCut(!!el && el.scrollWidth > el.clientWidth);
  }, [width, name]);

  return (
    <Tooltip label={name} disabled={!cut} multiline maw="min(90vw, 360px)" openDelay={300} events={{ hover: true, focus: true, touch: true }}>
      <Button
        variant="default"
        fullWidth
        justify="space-between"
        rightSection={<IconChevronRight size={16} aria-hidden />}
        loading={loading}
        onClick={onChoose}
        styles={{ label: { minWidth: 0 } }}
      >
        <VisuallyHidden>Sign in to </VisuallyHidden>
        <Text component="span" ref={ref} inherit truncate="end" dir="auto" style={{ display: 'block', minWidth: 0 }}>
          {name}
        </Text>
      </Button>
    </Tooltip>
  );
}
