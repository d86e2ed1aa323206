package ui

import (
	"net/http"
	"strconv"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/remediation"
)

// newSupplierPage returns the page of supplier s (ID 0 for a new one) with
// its edit form filled.
func (h *Handler) newSupplierPage(r *http.Request, u *cordon.User, s *cordon.Supplier) *supplierPage {
	title := "New supplier"
	if s.ID != 0 {
		title = s.Name
	}
	p := &supplierPage{page: h.base(r, u, title, "suppliers"), Available: h.cfg.Suppliers != nil, Supplier: s,
		Form: formOf(s), Methods: cordon.AccessMethods, Modes: cordon.AccessModes}
	for _, id := range s.ModelIDs {
		m := servedModel{ID: id}
		if h.cfg.Models != nil {
			if dm, err := h.cfg.Models.FindModelByID(r.Context(), id); err == nil {
				m.Name = dm.Manufacturer + " " + dm.Model + " " + dm.Version
			}
		}
		p.Models = append(p.Models, m)
	}
	return p
}

func (h *Handler) handleSupplierNew(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	if h.cfg.Suppliers == nil {
		h.renderError(w, r, notFound("supplier register on this server"))
		return
	}
	h.render(w, r, http.StatusOK, "supplier", h.newSupplierPage(r, u, &cordon.Supplier{}))
}

// findSupplier reads the supplier of the {id} in the path.
func (h *Handler) findSupplier(r *http.Request) (*cordon.Supplier, error) {
	if h.cfg.Suppliers == nil {
		return nil, notFound("supplier register on this server")
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return nil, notFound("supplier")
	}
	s, err := h.cfg.Suppliers.FindSupplierByID(r.Context(), id)
	if cordon.ErrorCode(err) == cordon.ENOTFOUND {
		return nil, notFound("supplier")
	}
	return s, err
}

func (h *Handler) handleSupplierView(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	s, err := h.findSupplier(r)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p := h.newSupplierPage(r, u, s)
	p.Saved = r.URL.Query().Get("saved") == "1"
	if h.cfg.Remediations != nil {
		sl, err := remediation.SupplierServiceLevel(r.Context(), h.cfg.Remediations, s, h.now())
		if err != nil {
			h.renderError(w, r, err)
			return
		}
		p.Service = &sl
	}
	h.render(w, r, http.StatusOK, "supplier", p)
}

func (h *Handler) handleSupplierCreate(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	if h.cfg.Suppliers == nil {
		h.renderError(w, r, notFound("supplier register on this server"))
		return
	}
	h.saveSupplier(w, r, u, &cordon.Supplier{})
}

func (h *Handler) handleSupplierUpdate(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	s, err := h.findSupplier(r)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	h.saveSupplier(w, r, u, s)
}

// saveSupplier creates (old.ID 0) or replaces a supplier from the posted
// form; on a problem it shows the form again as typed, with the message,
// and saves nothing.
func (h *Handler) saveSupplier(w http.ResponseWriter, r *http.Request, u *cordon.User, old *cordon.Supplier) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "The form could not be read."))
		return
	}
	s, form, err := parseSupplierForm(r.PostForm)
	if err == nil {
		s.ID = old.ID
		if s.ID == 0 {
			err = h.cfg.Suppliers.CreateSupplier(r.Context(), s)
		} else {
			err = h.cfg.Suppliers.UpdateSupplier(r.Context(), s)
		}
	}
	switch cordon.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/suppliers/"+strconv.FormatInt(s.ID, 10)+"?saved=1", http.StatusSeeOther)
	case cordon.EINVALID, cordon.ECONFLICT:
		p := h.newSupplierPage(r, u, old)
		form.pad()
		p.Form, p.FormError = form, cordon.ErrorMessage(err)
		status := http.StatusBadRequest
		if cordon.ErrorCode(err) == cordon.ECONFLICT {
			status = http.StatusConflict
		}
		h.render(w, r, status, "supplier", p)
	case cordon.ENOTFOUND:
		h.renderError(w, r, notFound("supplier"))
	default:
		h.renderError(w, r, err)
	}
}

func (h *Handler) handleSupplierDelete(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	s, err := h.findSupplier(r)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	if err := h.cfg.Suppliers.DeleteSupplier(r.Context(), s.ID); err != nil {
		h.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/suppliers?deleted=1", http.StatusSeeOther)
}
