/** Rich-text editor (TipTap / ProseMirror) with a small accessible toolbar. */
import { useEffect } from 'react';
import { EditorContent, useEditor, type Editor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import Image from '@tiptap/extension-image';
import type { ReactNode } from 'react';
import { t, type Key } from '../i18n/index.ts';
import { Icon } from '../ui/Icon.tsx';

export function RichEditor(props: { initial: string; label: string; onChange: (html: string, text: string) => void; onReady?: (e: Editor) => void }) {
  const editor = useEditor({
    extensions: [StarterKit.configure({ link: { openOnClick: false } }), Image.configure({ inline: true })],
    content: props.initial,
    editorProps: { attributes: { class: 'editor-area', 'aria-label': props.label, 'aria-multiline': 'true', role: 'textbox' } },
    onUpdate: ({ editor: e }) => props.onChange(e.getHTML(), e.getText({ blockSeparator: '\n\n' })),
  });
  useEffect(() => {
    if (editor) props.onReady?.(editor);
  }, [editor]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!editor) return null;
  const btn = (label: Key, active: boolean, run: () => void, text: ReactNode) => (
    <button type="button" className={`btn icon small${active ? ' on' : ''}`} aria-pressed={active} onClick={run} title={t(label)}>
      <span aria-hidden="true">{text}</span><span className="sr-only">{t(label)}</span>
    </button>
  );
  return (
    <div className="rich-editor">
      <div className="editor-toolbar" role="toolbar" aria-label={t('editor.toolbar')}>
        {btn('editor.bold', editor.isActive('bold'), () => editor.chain().focus().toggleBold().run(), 'B')}
        {btn('editor.italic', editor.isActive('italic'), () => editor.chain().focus().toggleItalic().run(), 'I')}
        {btn('editor.strike', editor.isActive('strike'), () => editor.chain().focus().toggleStrike().run(), 'S')}
        {btn('editor.bullets', editor.isActive('bulletList'), () => editor.chain().focus().toggleBulletList().run(), '•')}
        {btn('editor.numbers', editor.isActive('orderedList'), () => editor.chain().focus().toggleOrderedList().run(), '1.')}
        {btn('editor.quote', editor.isActive('blockquote'), () => editor.chain().focus().toggleBlockquote().run(), '❝')}
        {btn('editor.link', editor.isActive('link'), () => {
          if (editor.isActive('link')) return editor.chain().focus().unsetLink().run();
          const url = window.prompt(t('editor.linkPrompt'), 'https://');
          if (url && /^(https?:|mailto:)/i.test(url)) editor.chain().focus().setLink({ href: url }).run();
        }, <Icon name="link" size={16} />)}
        {btn('editor.undo', false, () => editor.chain().focus().undo().run(), '↶')}
        {btn('editor.redo', false, () => editor.chain().focus().redo().run(), '↷')}
      </div>
      <EditorContent editor={editor} />
    </div>
  );
}
