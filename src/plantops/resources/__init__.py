"""Generic record services: one mechanism for list/get/create/update/delete of every aggregate."""
