// Package problem is how the domain packages (ent/keys, ent/people) refuse a request:
// bad input in one field, or a caller who may not. The API turns them into its error
// codes (BAD_USER_INPUT with the field, FORBIDDEN); a missing row is ent's NotFoundError.
package problem

import (
	"errors"

	"apikeys/ent"
)

// ValidationMessage is what a validator of the Ent schema said, without Ent's
// "validator failed for field" wrapper.
func ValidationMessage(verr *ent.ValidationError) string {
	err := verr.Unwrap()
	if inner := errors.Unwrap(err); inner != nil {
		err = inner
	}
	return err.Error()
}

// InputError is a problem with what was typed, in one field.
type InputError struct{ Field, Message string }

func (e *InputError) Error() string { return e.Field + ": " + e.Message }

// Input returns an InputError for field.
func Input(field, message string) *InputError { return &InputError{Field: field, Message: message} }

// ForbiddenError says the caller may not do this.
type ForbiddenError struct{ Message string }

func (e *ForbiddenError) Error() string { return e.Message }

// Forbidden returns a ForbiddenError.
func Forbidden(message string) *ForbiddenError { return &ForbiddenError{Message: message} }
