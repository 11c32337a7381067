package audit

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// FileVerification is what VerifyFile found in an NDJSON export.
type FileVerification struct {
	Verification
	// Organization is the organization whose entries the file holds.
	Organization string
	// Gaps counts the places where the file skips entries (a filtered export): the
	// entries on both sides are checked, the link across the gap is not.
	Gaps int
	// Withheld counts the entries without request details (an export by a service
	// account): their links are checked, their hashes cannot be recomputed.
	Withheld int
}

// VerifyFile checks an NDJSON export (GET /audit/export?format=ndjson) without the
// database: every entry's hash against its content, every link to the entry before
// it, the order. A line that is not an entry is an error.
func VerifyFile(r io.Reader) (FileVerification, error) {
	var out FileVerification
	c := Checker{AllowGaps: true}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var l Line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return out, fmt.Errorf("line %d is not an audit entry: %w", n, err)
		}
		if l.Sequence < 1 || len(l.Hash) != len(ZeroHash) {
			return out, fmt.Errorf("line %d is not an audit entry of an export: no sequence or hash", n)
		}
		if out.Organization == "" {
			out.Organization = l.OrganizationID
		} else if l.OrganizationID != out.Organization {
			return out, fmt.Errorf("line %d: an entry of organization %s among those of %s", n, l.OrganizationID, out.Organization)
		}
		e, err := l.Chained()
		if err != nil {
			return out, fmt.Errorf("line %d: %w", n, err)
		}
		c.Withheld = l.IP == nil || l.UserAgent == nil
		if c.Withheld {
			out.Withheld++
		}
		if !c.Add(&e, l.Hash) {
			break
		}
	}
	if err := sc.Err(); err != nil {
		return out, err
	}
	out.Verification, out.Gaps = c.Result(0), c.Gaps
	return out, nil
}
