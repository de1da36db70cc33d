/**
 * The run config editor: CodeMirror with YAML highlighting, checked as you type by the host
 * (YAML syntax, run keys, the plugin and its plugin_config), each problem on its line.
 */
import { yaml } from '@codemirror/lang-yaml';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { EditorView, basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import type { ConfigDiagnostic } from '../../shared/api.js';

export interface YamlEditorProps {
  value: string;
  onChange(value: string): void;
  /** Checks the text; the editor shows what it returns. */
  validate(text: string): Promise<ConfigDiagnostic[]>;
  onDiagnostics?(diagnostics: ConfigDiagnostic[]): void;
  label: string;
}

export function YamlEditor({ value, onChange, validate, onDiagnostics, label }: YamlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const callbacks = useRef({ onChange, validate, onDiagnostics });
  useEffect(() => {
    callbacks.current = { onChange, validate, onDiagnostics };
  });
  // The editor is made once, with the first text and label; later text comes in below.
  const initial = useRef({ value, label });

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      doc: initial.current.value,
      extensions: [
        basicSetup,
        yaml(),
        lintGutter(),
        linter(
          async (v): Promise<Diagnostic[]> => {
            const text = v.state.doc.toString();
            const found = await callbacks.current.validate(text);
            // The text may have changed while the host checked it.
            if (v.state.doc.toString() !== text) return [];
            callbacks.current.onDiagnostics?.(found);
            const length = v.state.doc.length;
            return found.map((d) => ({
              from: Math.min(d.from, length),
              to: Math.min(Math.max(d.to, d.from), length),
              severity: d.severity,
              message: d.message,
            }));
          },
          { delay: 250 },
        ),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) callbacks.current.onChange(update.state.doc.toString());
        }),
        EditorView.contentAttributes.of({ 'aria-label': initial.current.label }),
      ],
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
  }, []);

  // Text set from outside (a preset, an opened project) replaces the editor's.
  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
    }
  }, [value]);

  return <div ref={host} className="yaml-editor" data-testid="yaml-editor" />;
}
