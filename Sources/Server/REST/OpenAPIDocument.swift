/// The OpenAPI 3.1 description of the REST API, served at `/openapi.json`.
///
/// Kept in one literal so the document is exactly what is served; a test checks that it lists
/// every route of the router and nothing else.
enum OpenAPIDocument {
    static let bytes: [UInt8] = Array(text.utf8)

    static let text = #"""
{
 "openapi": "3.1.0",
 "info": {
  "title": "memledger",
  "version": "0.1.0",
  "description": "Long-term memory for AI agents. REST paths follow the self-hosted mem0 server; every change is an event in a hash-chained ledger."
 },
 "servers": [
  {
   "url": "/"
  }
 ],
 "paths": {
  "/healthz": {
   "get": {
    "summary": "Liveness",
    "operationId": "healthz",
    "security": [],
    "responses": {
     "200": {
      "description": "alive",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "status"
         ],
         "properties": {
          "status": {
           "const": "ok"
          }
         }
        }
       }
      }
     }
    }
   }
  },
  "/readyz": {
   "get": {
    "summary": "Readiness: the ledger can be read",
    "operationId": "readyz",
    "security": [],
    "responses": {
     "200": {
      "description": "ready",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "status",
          "ledger_position"
         ],
         "properties": {
          "status": {
           "const": "ready"
          },
          "ledger_position": {
           "type": "integer",
           "minimum": 0
          }
         }
        }
       }
      }
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/metrics": {
   "get": {
    "summary": "Prometheus metrics",
    "operationId": "metrics",
    "security": [],
    "responses": {
     "200": {
      "description": "Prometheus text exposition format 0.0.4",
      "content": {
       "text/plain": {
        "schema": {
         "type": "string"
        }
       }
      }
     }
    }
   }
  },
  "/openapi.json": {
   "get": {
    "summary": "This document",
    "operationId": "openapi",
    "security": [],
    "responses": {
     "200": {
      "description": "OpenAPI 3.1",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     }
    }
   }
  },
  "/api/v1/memories": {
   "post": {
    "summary": "Add a memory (content) or several (messages)",
    "operationId": "addMemory",
    "security": [
     {
      "bearer": []
     }
    ],
    "x-required-scope": "memory.write",
    "responses": {
     "201": {
      "description": "success",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AddAnswer"
        }
       }
      },
      "links": {
       "GetMemory": {
        "operationId": "getMemory",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "UpdateMemory": {
        "operationId": "updateMemory",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "DeleteMemory": {
        "operationId": "deleteMemory",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "MemoryHistory": {
        "operationId": "memoryHistory",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "RestoreMemory": {
        "operationId": "restoreMemory",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "RevertMemory": {
        "operationId": "revertMemory",
        "parameters": {
         "id": "$response.body#/id"
        }
       }
      }
     },
     "200": {
      "description": "success",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AddAnswer"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "405": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "412": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "429": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "parameters": [
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 255
      },
      "description": "a retried write with the same key returns the first answer"
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/AddRequest"
       }
      }
     }
    }
   },
   "get": {
    "summary": "List memories, newest last",
    "operationId": "listMemories",
    "security": [
     {
      "bearer": []
     }
    ],
    "x-required-scope": "memory.read",
    "responses": {
     "200": {
      "description": "success",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/MemoryPage"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "405": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "412": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "429": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "parameters": [
     {
      "name": "user_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 256
      },
      "description": "another user's memories (admin only)"
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 100,
       "default": 50
      },
      "description": ""
     },
     {
      "name": "offset",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 0,
       "default": 0
      },
      "description": ""
     },
     {
      "name": "agent_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 256
      },
      "description": ""
     },
     {
      "name": "run_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 256
      },
      "description": ""
     },
     {
      "name": "metadata",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "a JSON object of metadata keys that must match; or metadata.KEY=value"
     },
     {
      "name": "created_after",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "description": "RFC 3339 UTC with milliseconds, e.g. 2026-01-31T12:00:00.000Z"
      },
      "description": ""
     },
     {
      "name": "created_before",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "description": "RFC 3339 UTC with milliseconds, e.g. 2026-01-31T12:00:00.000Z"
      },
      "description": ""
     },
     {
      "name": "updated_after",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "description": "RFC 3339 UTC with milliseconds, e.g. 2026-01-31T12:00:00.000Z"
      },
      "description": ""
     },
     {
      "name": "updated_before",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "description": "RFC 3339 UTC with milliseconds, e.g. 2026-01-31T12:00:00.000Z"
      },
      "description": ""
     }
    ],
    "description": "Query parameters other than these (and metadata.KEY equalities) are refused with 422, so a misspelt filter never widens the answer."
   }
  },
  "/api/v1/memories/search": {
   "post": {
    "summary": "Search memories (hybrid, semantic or keyword)",
    "operationId": "searchMemories",
    "security": [
     {
      "bearer": []
     }
    ],
    "x-required-scope": "memory.read",
    "responses": {
     "200": {
      "description": "success",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/SearchAnswer"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "405": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "412": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "429": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/SearchRequest"
       }
      }
     }
    }
   }
  },
  "/api/v1/memories/delete_bulk": {
   "post": {
    "summary": "Delete every memory matching the filters (dry run unless confirm)",
    "operationId": "deleteBulk",
    "security": [
     {
      "bearer": []
     }
    ],
    "x-required-scope": "admin",
    "responses": {
     "200": {
      "description": "success",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/BulkDeleteAnswer"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "405": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "412": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "429": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "parameters": [
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 255
      },
      "description": "a retried write with the same key returns the first answer"
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/BulkDeleteRequest"
       }
      }
     }
    }
   }
  },
  "/api/v1/memories/{id}": {
   "get": {
    "summary": "Get one memory",
    "operationId": "getMemory",
    "security": [
     {
      "bearer": []
     }
    ],
    "x-required-scope": "memory.read",
    "responses": {
     "200": {
      "description": "success",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Memory"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "405": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "412": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "429": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "user_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 256
      },
      "description": ""
     }
    ]
   },
   "put": {
    "summary": "Change a memory's content and/or metadata",
    "operationId": "updateMemory",
    "security": [
     {
      "bearer": []
     }
    ],
    "x-required-scope": "memory.write",
    "responses": {
     "200": {
      "description": "success",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Memory"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "405": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "412": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "429": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 255
      },
      "description": "a retried write with the same key returns the first answer"
     },
     {
      "$ref": "#/components/parameters/IfMatch"
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/UpdateRequest"
       }
      }
     }
    }
   },
   "delete": {
    "summary": "Delete a memory (its history stays)",
    "operationId": "deleteMemory",
    "security": [
     {
      "bearer": []
     }
    ],
    "x-required-scope": "memory.write",
    "responses": {
     "200": {
      "description": "success",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/DeleteAnswer"
        }
       }
      },
      "links": {
       "RestoreMemory": {
        "operationId": "restoreMemory",
        "parameters": {
         "id": "$response.body#/id"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "405": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "412": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "429": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 255
      },
      "description": "a retried write with the same key returns the first answer"
     },
     {
      "name": "user_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 256
      },
      "description": ""
     },
     {
      "$ref": "#/components/parameters/ChangeAgent"
     },
     {
      "$ref": "#/components/parameters/IfMatch"
     }
    ]
   }
  },
  "/api/v1/memories/{id}/history": {
   "get": {
    "summary": "Every change of a memory, in ledger order",
    "operationId": "memoryHistory",
    "security": [
     {
      "bearer": []
     }
    ],
    "x-required-scope": "memory.read",
    "responses": {
     "200": {
      "description": "success",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/HistoryAnswer"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "405": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "412": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "429": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "user_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 256
      },
      "description": ""
     }
    ]
   }
  },
  "/api/v1/memories/{id}/redact": {
   "post": {
    "summary": "Erase a memory's content from the data directory",
    "operationId": "redactMemory",
    "security": [
     {
      "bearer": []
     }
    ],
    "x-required-scope": "admin",
    "responses": {
     "200": {
      "description": "success",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RedactAnswer"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "405": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "412": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "429": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 255
      },
      "description": "a retried write with the same key returns the first answer"
     }
    ],
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/RedactRequest"
       }
      }
     }
    }
   }
  },
  "/api/v1/memories/{id}/restore": {
   "post": {
    "summary": "Bring a deleted memory back; it keeps its created_at and created_by",
    "operationId": "restoreMemory",
    "security": [
     {
      "bearer": []
     }
    ],
    "x-required-scope": "memory.write",
    "responses": {
     "200": {
      "description": "success",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Memory"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "405": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "412": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "429": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 255
      },
      "description": "a retried write with the same key returns the first answer"
     },
     {
      "$ref": "#/components/parameters/IfMatchDelete"
     }
    ],
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/UserRequest"
       }
      }
     }
    }
   }
  },
  "/api/v1/memories/{id}/revert": {
   "post": {
    "summary": "Set a memory back to an earlier version",
    "operationId": "revertMemory",
    "security": [
     {
      "bearer": []
     }
    ],
    "x-required-scope": "memory.write",
    "responses": {
     "200": {
      "description": "success",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Memory"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "405": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "412": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "429": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "Idempotency-Key",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 255
      },
      "description": "a retried write with the same key returns the first answer"
     },
     {
      "$ref": "#/components/parameters/IfMatch"
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/RevertRequest"
       }
      }
     }
    }
   }
  },
  "/api/v1/events": {
   "get": {
    "summary": "The ledger after a position, oldest first",
    "operationId": "events",
    "security": [
     {
      "bearer": []
     }
    ],
    "x-required-scope": "memory.read",
    "responses": {
     "200": {
      "description": "success",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/EventPage"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "405": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "412": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "429": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "parameters": [
     {
      "name": "after",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 0,
       "default": 0
      },
      "description": ""
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 1000,
       "default": 100
      },
      "description": ""
     },
     {
      "name": "type",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "pattern": "^(?:(?:memory\\.)?(?:added|updated|deleted|restored|redacted)|auth\\.(?:key_created|key_revoked|client_registered|client_revoked|consent_granted|consent_denied|token_family_revoked))(?:,(?:(?:memory\\.)?(?:added|updated|deleted|restored|redacted)|auth\\.(?:key_created|key_revoked|client_registered|client_revoked|consent_granted|consent_denied|token_family_revoked)))*$"
      },
      "description": "comma-separated event types: memory.added, memory.updated, memory.deleted, memory.restored, memory.redacted (the memory. prefix may be left out), auth.key_created, auth.key_revoked, auth.client_registered, auth.client_revoked, auth.consent_granted, auth.consent_denied, auth.token_family_revoked"
     },
     {
      "name": "stream_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 256
      },
      "description": ""
     },
     {
      "name": "user_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 256
      },
      "description": "admin: any user; otherwise your own"
     },
     {
      "name": "agent_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 256
      },
      "description": ""
     },
     {
      "name": "client_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 256
      },
      "description": ""
     },
     {
      "name": "since",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "description": "RFC 3339 UTC with milliseconds, e.g. 2026-01-31T12:00:00.000Z"
      },
      "description": ""
     },
     {
      "name": "until",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "description": "RFC 3339 UTC with milliseconds, e.g. 2026-01-31T12:00:00.000Z"
      },
      "description": ""
     }
    ],
    "description": "Query parameters other than these are refused with 422."
   }
  }
 },
 "components": {
  "securitySchemes": {
   "bearer": {
    "type": "http",
    "scheme": "bearer",
    "description": "an API key (mlk_…) or an OAuth access token"
   }
  },
  "responses": {
   "Error": {
    "description": "an error",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   }
  },
  "schemas": {
   "Error": {
    "type": "object",
    "required": [
     "error",
     "detail"
    ],
    "properties": {
     "error": {
      "type": "string"
     },
     "detail": {
      "type": "string"
     },
     "request_id": {
      "type": "string"
     }
    }
   },
   "Actor": {
    "type": "object",
    "properties": {
     "agent_id": {
      "type": [
       "string",
       "null"
      ]
     },
     "client_id": {
      "type": [
       "string",
       "null"
      ]
     }
    }
   },
   "Memory": {
    "type": "object",
    "required": [
     "id",
     "content",
     "user_id",
     "agent_id",
     "run_id",
     "metadata",
     "created_at",
     "updated_at",
     "version"
    ],
    "properties": {
     "id": {
      "type": "string"
     },
     "content": {
      "type": [
       "string",
       "null"
      ]
     },
     "user_id": {
      "type": "string"
     },
     "agent_id": {
      "type": [
       "string",
       "null"
      ]
     },
     "run_id": {
      "type": [
       "string",
       "null"
      ]
     },
     "metadata": {
      "type": "object"
     },
     "created_at": {
      "type": "string"
     },
     "updated_at": {
      "type": "string"
     },
     "created_by": {
      "$ref": "#/components/schemas/Actor"
     },
     "updated_by": {
      "$ref": "#/components/schemas/Actor"
     },
     "version": {
      "type": "integer",
      "minimum": 1
     },
     "redacted": {
      "type": "boolean"
     },
     "deduplicated": {
      "type": "boolean"
     },
     "ignored_metadata_keys": {
      "type": "array",
      "items": {
       "type": "string"
      }
     }
    }
   },
   "AddAnswer": {
    "oneOf": [
     {
      "$ref": "#/components/schemas/Memory"
     },
     {
      "type": "object",
      "required": [
       "results"
      ],
      "properties": {
       "results": {
        "type": "array",
        "items": {
         "$ref": "#/components/schemas/Memory"
        }
       },
       "ignored_metadata_keys": {
        "type": "array",
        "items": {
         "type": "string"
        }
       }
      }
     }
    ]
   },
   "Message": {
    "type": "object",
    "required": [
     "role",
     "content"
    ],
    "properties": {
     "role": {
      "type": "string"
     },
     "content": {
      "type": "string",
      "minLength": 1,
      "maxLength": 32768,
      "pattern": "\\S",
      "description": "not blank; at most the content limit (32 KiB by default) after NFC"
     }
    }
   },
   "AddRequest": {
    "type": "object",
    "oneOf": [
     {
      "required": [
       "content"
      ]
     },
     {
      "required": [
       "messages"
      ]
     }
    ],
    "properties": {
     "content": {
      "type": "string",
      "minLength": 1,
      "maxLength": 32768,
      "pattern": "\\S",
      "description": "not blank; at most the content limit (32 KiB by default) after NFC"
     },
     "messages": {
      "type": "array",
      "minItems": 1,
      "items": {
       "$ref": "#/components/schemas/Message"
      }
     },
     "user_id": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "agent_id": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "run_id": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "metadata": {
      "type": "object"
     },
     "dedup": {
      "type": "boolean",
      "default": true
     }
    },
    "description": "exactly one of content and messages"
   },
   "UpdateRequest": {
    "type": "object",
    "anyOf": [
     {
      "required": [
       "content"
      ]
     },
     {
      "required": [
       "metadata"
      ]
     }
    ],
    "properties": {
     "content": {
      "type": "string",
      "minLength": 1,
      "maxLength": 32768,
      "pattern": "\\S",
      "description": "not blank; at most the content limit (32 KiB by default) after NFC"
     },
     "metadata": {
      "type": "object"
     },
     "user_id": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "agent_id": {
      "$ref": "#/components/schemas/ChangeAgent"
     }
    }
   },
   "UserRequest": {
    "type": "object",
    "properties": {
     "user_id": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "agent_id": {
      "$ref": "#/components/schemas/ChangeAgent"
     }
    }
   },
   "RedactRequest": {
    "type": "object",
    "properties": {
     "reason": {
      "type": "string"
     },
     "user_id": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "agent_id": {
      "$ref": "#/components/schemas/ChangeAgent"
     }
    }
   },
   "RevertRequest": {
    "type": "object",
    "required": [
     "version"
    ],
    "properties": {
     "version": {
      "type": "integer",
      "minimum": 1
     },
     "user_id": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "agent_id": {
      "$ref": "#/components/schemas/ChangeAgent"
     }
    }
   },
   "MemoryPage": {
    "type": "object",
    "required": [
     "results",
     "pagination"
    ],
    "properties": {
     "results": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Memory"
      }
     },
     "pagination": {
      "type": "object",
      "required": [
       "limit",
       "offset",
       "has_more"
      ],
      "properties": {
       "limit": {
        "type": "integer"
       },
       "offset": {
        "type": "integer"
       },
       "has_more": {
        "type": "boolean"
       },
       "total": {
        "type": "integer"
       }
      }
     }
    }
   },
   "SearchRequest": {
    "type": "object",
    "required": [
     "query"
    ],
    "properties": {
     "query": {
      "type": "string",
      "minLength": 1,
      "maxLength": 32768,
      "pattern": "\\S",
      "description": "not blank; at most the content limit (32 KiB by default) after NFC"
     },
     "limit": {
      "type": "integer",
      "minimum": 1,
      "maximum": 100,
      "default": 10
     },
     "mode": {
      "enum": [
       "hybrid",
       "semantic",
       "keyword"
      ],
      "default": "hybrid"
     },
     "recency_weight": {
      "type": "number",
      "minimum": 0,
      "maximum": 1,
      "default": 0
     },
     "min_score": {
      "type": "number",
      "minimum": 0,
      "maximum": 1
     },
     "user_id": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "agent_id": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "run_id": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "metadata": {
      "type": "object"
     },
     "filters": {
      "type": "object",
      "description": "the same filters nested, as mem0 clients send them: user_id, agent_id, run_id, metadata, created_*/updated_*; any other key is a metadata equality"
     },
     "created_after": {
      "type": "string",
      "description": "RFC 3339 UTC with milliseconds, e.g. 2026-01-31T12:00:00.000Z"
     },
     "created_before": {
      "type": "string",
      "description": "RFC 3339 UTC with milliseconds, e.g. 2026-01-31T12:00:00.000Z"
     },
     "updated_after": {
      "type": "string",
      "description": "RFC 3339 UTC with milliseconds, e.g. 2026-01-31T12:00:00.000Z"
     },
     "updated_before": {
      "type": "string",
      "description": "RFC 3339 UTC with milliseconds, e.g. 2026-01-31T12:00:00.000Z"
     },
     "top_k": {
      "type": "integer",
      "minimum": 1,
      "maximum": 100,
      "default": 10,
      "description": "mem0's name for limit"
     },
     "threshold": {
      "type": "number",
      "minimum": 0,
      "maximum": 1,
      "description": "mem0's name for min_score"
     }
    }
   },
   "SearchAnswer": {
    "type": "object",
    "required": [
     "results"
    ],
    "properties": {
     "results": {
      "type": "array",
      "items": {
       "allOf": [
        {
         "$ref": "#/components/schemas/Memory"
        },
        {
         "type": "object",
         "required": [
          "score"
         ],
         "properties": {
          "score": {
           "type": "number",
           "minimum": 0,
           "maximum": 1
          }
         }
        }
       ]
      }
     },
     "mode": {
      "type": "string"
     },
     "vectors_pending": {
      "type": "integer"
     }
    }
   },
   "BulkDeleteRequest": {
    "type": "object",
    "properties": {
     "user_id": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "agent_id": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "run_id": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "metadata": {
      "type": "object"
     },
     "filters": {
      "type": "object",
      "description": "the same filters nested, as mem0 clients send them: user_id, agent_id, run_id, metadata, created_*/updated_*; any other key is a metadata equality"
     },
     "confirm": {
      "type": "boolean",
      "default": false
     },
     "created_after": {
      "type": "string",
      "description": "RFC 3339 UTC with milliseconds, e.g. 2026-01-31T12:00:00.000Z"
     },
     "created_before": {
      "type": "string",
      "description": "RFC 3339 UTC with milliseconds, e.g. 2026-01-31T12:00:00.000Z"
     },
     "updated_after": {
      "type": "string",
      "description": "RFC 3339 UTC with milliseconds, e.g. 2026-01-31T12:00:00.000Z"
     },
     "updated_before": {
      "type": "string",
      "description": "RFC 3339 UTC with milliseconds, e.g. 2026-01-31T12:00:00.000Z"
     }
    }
   },
   "BulkDeleteAnswer": {
    "type": "object",
    "required": [
     "matched",
     "deleted",
     "dry_run"
    ],
    "properties": {
     "matched": {
      "type": "integer"
     },
     "deleted": {
      "type": "integer"
     },
     "dry_run": {
      "type": "boolean"
     }
    }
   },
   "DeleteAnswer": {
    "type": "object",
    "required": [
     "id",
     "deleted"
    ],
    "properties": {
     "id": {
      "type": "string"
     },
     "deleted": {
      "const": true
     },
     "message": {
      "type": "string"
     },
     "version": {
      "type": "integer",
      "description": "the version of the delete event, as history shows it"
     }
    }
   },
   "HistoryAnswer": {
    "type": "object",
    "required": [
     "history"
    ],
    "properties": {
     "id": {
      "type": "string"
     },
     "history": {
      "type": "array",
      "items": {
       "type": "object",
       "required": [
        "position",
        "version",
        "event",
        "created_at"
       ],
       "properties": {
        "position": {
         "type": "integer"
        },
        "version": {
         "type": "integer"
        },
        "event": {
         "type": "string"
        },
        "created_at": {
         "type": "string"
        },
        "content": {
         "type": [
          "string",
          "null"
         ]
        },
        "previous_content": {
         "type": [
          "string",
          "null"
         ]
        },
        "metadata": {
         "type": [
          "object",
          "null"
         ]
        },
        "previous_metadata": {
         "type": [
          "object",
          "null"
         ]
        },
        "agent_id": {
         "type": [
          "string",
          "null"
         ]
        },
        "client_id": {
         "type": [
          "string",
          "null"
         ]
        },
        "actor": {
         "type": [
          "string",
          "null"
         ]
        },
        "transport": {
         "type": "string"
        },
        "redacted": {
         "type": "boolean"
        },
        "reason": {
         "type": "string",
         "description": "A redaction's reason."
        },
        "reverted_to_version": {
         "type": "integer",
         "description": "On an update written by a revert: the version it set the memory back to."
        }
       }
      }
     }
    }
   },
   "RedactAnswer": {
    "type": "object",
    "required": [
     "redacted",
     "payloads_erased"
    ],
    "properties": {
     "redacted": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "payloads_erased": {
      "type": "integer"
     }
    }
   },
   "Event": {
    "type": "object",
    "required": [
     "position",
     "event_id",
     "stream_id",
     "stream_version",
     "type",
     "occurred_at",
     "hash",
     "prev_hash",
     "payload"
    ],
    "properties": {
     "position": {
      "type": "integer"
     },
     "event_id": {
      "type": "string"
     },
     "stream_id": {
      "type": "string"
     },
     "stream_version": {
      "type": "integer"
     },
     "type": {
      "type": "string"
     },
     "schema_version": {
      "type": "integer"
     },
     "occurred_at": {
      "type": "string"
     },
     "user_id": {
      "type": [
       "string",
       "null"
      ]
     },
     "agent_id": {
      "type": [
       "string",
       "null"
      ]
     },
     "client_id": {
      "type": [
       "string",
       "null"
      ]
     },
     "actor": {
      "type": [
       "string",
       "null"
      ]
     },
     "transport": {
      "type": "string"
     },
     "request_id": {
      "type": [
       "string",
       "null"
      ]
     },
     "hash": {
      "type": "string"
     },
     "prev_hash": {
      "type": "string"
     },
     "redacted": {
      "type": "boolean"
     },
     "payload": {}
    }
   },
   "EventPage": {
    "type": "object",
    "required": [
     "events",
     "next_after",
     "has_more"
    ],
    "properties": {
     "events": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Event"
      }
     },
     "next_after": {
      "type": "integer"
     },
     "has_more": {
      "type": "boolean"
     }
    }
   },
   "ChangeAgent": {
    "type": "string",
    "minLength": 1,
    "maxLength": 256,
    "description": "the agent making this change, recorded in its event (default: the key's or OAuth client's name)"
   }
  },
  "parameters": {
   "IfMatch": {
    "name": "If-Match",
    "in": "header",
    "required": false,
    "schema": {
     "type": "string",
     "pattern": "^(\\*|(W/)?\"[1-9][0-9]{0,17}\"|[1-9][0-9]{0,17})$"
    },
    "description": "the version as an entity tag (\"3\"); 412 when the memory is elsewhere"
   },
   "IfMatchDelete": {
    "name": "If-Match",
    "in": "header",
    "required": false,
    "schema": {
     "type": "string",
     "pattern": "^(\\*|(W/)?\"[1-9][0-9]{0,17}\"|[1-9][0-9]{0,17})$"
    },
    "description": "the version of the delete (the DELETE answer's version) as an entity tag (\"3\"); 412 when the memory is elsewhere"
   },
   "ChangeAgent": {
    "name": "agent_id",
    "in": "query",
    "required": false,
    "schema": {
     "type": "string",
     "minLength": 1,
     "maxLength": 256
    },
    "description": "the agent making this change, recorded in its event (default: the key's or OAuth client's name)"
   }
  }
 }
}
"""#
}
