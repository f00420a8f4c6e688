/** The 8-bit preview of a series, drawn on a canvas as soon as main sends it. */
import { observer } from 'mobx-react-lite';
import { useEffect, useRef } from 'react';
import { useStores } from '../../app/StoreContext';
import { greyToRgba } from '../../viewers/windowLevel';

export const SeriesThumbnail = observer(function SeriesThumbnail({ seriesUid, isImage }: { seriesUid: string; isImage: boolean }) {
  const { study } = useStores();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const state = study.thumbnails.get(seriesUid);

  useEffect(() => {
    if (isImage) study.loadThumbnail(seriesUid);
  }, [study, seriesUid, isImage]);

  const thumbnail = state?.status === 'ready' ? state.thumbnail : null;
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !thumbnail) return;
    canvas.width = thumbnail.width;
    canvas.height = thumbnail.height;
    const context = canvas.getContext('2d');
    if (!context) return;
    const image = context.createImageData(thumbnail.width, thumbnail.height);
    greyToRgba(thumbnail.pixels, image.data);
    context.putImageData(image, 0, 0);
  }, [thumbnail]);

  if (!isImage) return <div className="thumb thumb-empty" aria-hidden="true">∅</div>;
  return (
    <div className="thumb" title={state?.status === 'error' ? state.message : undefined}>
      {thumbnail ? (
        <canvas ref={canvasRef} data-testid="series-thumbnail" aria-label="Series thumbnail" />
      ) : state?.status === 'error' ? (
        <span className="thumb-error" aria-label={state.message}>!</span>
      ) : (
        <span className="spinner" aria-label="Loading thumbnail" />
      )}
    </div>
  );
});
